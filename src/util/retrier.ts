/** The shape of the backoff wrapper (src/util/retry.ts) as the HTTP clients use it. */
export interface Retrier {
  /**
   * Runs `fn`, retrying transient failures with backoff; `operation` names it in logs, `context`
   * (e.g. `{ zone }`) is added to every retry log line.
   */
  run<T>(operation: string, fn: () => Promise<T>, context?: Record<string, unknown>): Promise<T>;
}
