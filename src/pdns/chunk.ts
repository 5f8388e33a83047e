/**
 * Splitting PATCH bodies under PowerDNS's request-body limit. Above `webserver-max-bodysize`
 * (default 2 MB) pdns resets the connection without any HTTP status (powerdns-api.md §8.6), which
 * would look transient and be retried forever; so bodies are cut below a configurable budget first.
 */
import { TerminalError } from '../util/errors.js';
import type { PdnsRRsetChange } from './types.js';

/** `{"rrsets":[` + `]}`: the fixed bytes of a PATCH body around the changes. */
const ENVELOPE_BYTES = Buffer.byteLength(JSON.stringify({ rrsets: [] }));

/** The serialised size of a PATCH body carrying `changes`, in bytes. */
export function patchBodyBytes(changes: PdnsRRsetChange[]): number {
  return Buffer.byteLength(JSON.stringify({ rrsets: changes }));
}

/**
 * Cuts the ordered change list into consecutive runs whose PATCH body (`{"rrsets":[...]}`) is at most
 * `maxBodyBytes` each. Order is kept across and within the runs, so DELETEs placed first still go
 * first. An empty list gives no runs (no PATCH, no serial bump). A single change too large for any
 * body is a terminal error: retrying cannot help.
 */
export function splitChanges(changes: PdnsRRsetChange[], maxBodyBytes: number): PdnsRRsetChange[][] {
  const chunks: PdnsRRsetChange[][] = [];
  let current: PdnsRRsetChange[] = [];
  let size = ENVELOPE_BYTES;
  for (const change of changes) {
    const bytes = Buffer.byteLength(JSON.stringify(change));
    if (ENVELOPE_BYTES + bytes > maxBodyBytes) {
      throw new TerminalError(
        `rrset ${change.name} ${change.type} alone needs ${ENVELOPE_BYTES + bytes} bytes, over the PATCH body limit of ${maxBodyBytes}`,
      );
    }
    const added = (current.length > 0 ? 1 : 0) + bytes; // the comma before it
    if (current.length > 0 && size + added > maxBodyBytes) {
      chunks.push(current);
      current = [];
      size = ENVELOPE_BYTES;
    }
    size += (current.length > 0 ? 1 : 0) + bytes;
    current.push(change);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
