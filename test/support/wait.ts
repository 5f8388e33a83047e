/**
 * The wait-for-condition used by every test instead of fixed sleeps: poll until the condition holds,
 * fail with a clear message when it never does.
 */

export interface WaitOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** Pause between polls (default 20 ms). */
  intervalMs?: number;
  /** What we were waiting for; goes into the timeout error. */
  message?: string;
}

/**
 * Calls `fn` until it returns (or resolves to) a truthy value and returns that value. Exceptions
 * thrown by `fn` count as "not yet"; the last one is quoted in the timeout error.
 */
export async function waitFor<T>(fn: () => T | Promise<T>, opts: WaitOptions = {}): Promise<NonNullable<T>> {
  const { timeoutMs = 10_000, intervalMs = 20, message = 'condition' } = opts;
  const started = Date.now();
  let lastError: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value as NonNullable<T>;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    const elapsed = Date.now() - started;
    if (elapsed >= timeoutMs) {
      const why = lastError === undefined ? '' : ` (last error: ${lastError instanceof Error ? lastError.message : String(lastError)})`;
      throw new Error(`timed out after ${elapsed} ms waiting for ${message}${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, timeoutMs - elapsed)));
  }
}
