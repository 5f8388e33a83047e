/**
 * Removes every configured secret from text that came from an upstream or a library before it is
 * logged, stored or served. Upstreams echo more than one would think: a proxy's error page may quote
 * the request headers (`Authorization: Token …`), a URL may carry `user:password@`, and got's errors
 * quote the request. One scrubber, built from every secret in the configuration, is shared by both
 * clients, the status store and the logger, so no path depends on remembering to call it.
 */

export type Scrubber = (text: string) => string;

/** Shorter values are not scrubbed: replacing "1" everywhere would destroy messages and hide nothing. */
const MIN_SECRET_LENGTH = 4;
export const REDACTED = '***';

/** The forms in which a secret can appear in text we did not write: raw, percent-encoded, JSON-escaped. */
function forms(secret: string): string[] {
  const out = new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]);
  // A NetBox v2 token `nbt_<key>.<secret>`: the plaintext part alone is as secret as the whole.
  const dot = secret.indexOf('.');
  if (secret.startsWith('nbt_') && dot > 0 && secret.length - dot - 1 >= MIN_SECRET_LENGTH) out.add(secret.slice(dot + 1));
  return [...out].filter((f) => f.length >= MIN_SECRET_LENGTH);
}

/** `scheme://user:password@host` → `scheme://user:***@host`, whatever the password. */
function redactUserInfo(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^/@:\s"']*):[^/@\s"']*@/gi, `$1:${REDACTED}@`);
}

/** Builds a scrubber for these secret values (unset ones are skipped). Longer secrets go first. */
export function createScrubber(secrets: ReadonlyArray<string | undefined>): Scrubber {
  const needles = [...new Set(secrets.filter((s): s is string => typeof s === 'string').flatMap(forms))]
    .sort((a, b) => b.length - a.length);
  return (text) => {
    let out = redactUserInfo(text);
    for (const needle of needles) if (out.includes(needle)) out = out.split(needle).join(REDACTED);
    return out;
  };
}

/** A scrubber that only redacts URL user info (for tests and tools without configured secrets). */
export const userInfoScrubber: Scrubber = redactUserInfo;
