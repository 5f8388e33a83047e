/**
 * Waiting helpers for the demo. Every wait takes the demo's abort signal, so Ctrl-C during start-up
 * (or the check-mode deadline) ends it at once and the demo goes straight to stopping what it started.
 */

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Thrown by `poll` when the demo is being stopped. */
export class Aborted extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'Aborted';
  }
}

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new Aborted(typeof signal.reason === 'string' ? signal.reason : 'stopped');
}

/**
 * Calls `fn` until it returns a value other than undefined (exceptions count as "not yet") and
 * returns it; throws with `what` and the last error after `timeoutMs`.
 */
export async function poll<T>(
  fn: () => Promise<T | undefined> | T | undefined,
  opts: { what: string; timeoutMs: number; intervalMs?: number; signal: AbortSignal },
): Promise<T> {
  const started = Date.now();
  let lastError = '';
  for (;;) {
    throwIfAborted(opts.signal);
    try {
      const value = await fn();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() - started >= opts.timeoutMs) {
      throw new Error(`timed out after ${Math.round((Date.now() - started) / 1000)} s waiting for ${opts.what}${lastError ? ` (last error: ${lastError})` : ''}`);
    }
    await sleep(opts.intervalMs ?? 50);
  }
}
