/**
 * The narrow metric handles the rest of the daemon sees: label values are the closed unions of
 * labels.ts, so a typo or a zone name cannot reach a label at compile time.
 */

/** A counter without labels. */
export interface CounterHandle {
  inc(value?: number): void;
}
/** A counter whose label values are checked at compile time. */
export interface LabelledCounterHandle<L extends object> {
  inc(labels: L, value?: number): void;
}
/** A gauge holding a current value. */
export interface GaugeHandle {
  set(value: number): void;
  inc(value?: number): void;
  dec(value?: number): void;
}
/** A gauge holding a Unix time in seconds; export the time, let queries compute `time() - x`. */
export interface TimestampHandle {
  set(unixSeconds: number): void;
  setToCurrentTime(): void;
}
/** A histogram of seconds; `startTimer()` returns a function that observes and returns the elapsed time. */
export interface HistogramHandle {
  observe(seconds: number): void;
  startTimer(): () => number;
}
/** A histogram of seconds with typed labels; labels may be given at start or at end of the timer. */
export interface LabelledHistogramHandle<L extends object> {
  observe(labels: L, seconds: number): void;
  startTimer(labels?: Partial<L>): (labels?: Partial<L>) => number;
}
