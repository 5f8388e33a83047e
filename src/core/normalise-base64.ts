/**
 * Base64 fields (keys, certificates, signatures). dnspython joins the whitespace-separated pieces;
 * PowerDNS 4.7 decodes and re-encodes, so the pieces must be joined and the unused bits of the last
 * character cleared (`...Zr==` comes back `...Zg==`), measured against 4.7.3.
 */

/** The pieces of a base64 field joined (dnspython allows spaces inside keys). */
export function joinedBase64(pieces: string[]): string {
  return pieces.join('');
}

/** Canonical base64 of `b64`; throws when it is not base64 or decodes to nothing. */
export function canonicalBase64(b64: string): string {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) throw new Error(`${JSON.stringify(b64)} is not base64`);
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.length === 0) throw new Error('the base64 field is empty, and PowerDNS 4.7 refuses an empty field ("missing field")');
  return bytes.toString('base64');
}
