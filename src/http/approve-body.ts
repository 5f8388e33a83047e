/** The body of POST /approve, parsed and checked for shape (the daemon checks the zone name and id). */

/** The body of POST /approve. */
export interface ApproveRequest {
  zone: string;
  planId: string;
  target?: string;
}

/** Largest POST /approve body: a zone name, a plan id and a target name. */
export const MAX_APPROVE_BODY = 4096;

/** The POST /approve body, or why it is not one. */
export function parseApproveBody(raw: Buffer): ApproveRequest | string {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return 'body must be JSON: {"zone": "...", "plan_id": "..."}';
  }
  const b = body as { zone?: unknown; plan_id?: unknown; target?: unknown } | null;
  if (typeof b?.zone !== 'string' || typeof b.plan_id !== 'string') return 'body needs "zone" and "plan_id" strings';
  if (b.target !== undefined && typeof b.target !== 'string') return '"target" must be a string';
  return { zone: b.zone, planId: b.plan_id, ...(typeof b.target === 'string' ? { target: b.target } : {}) };
}
