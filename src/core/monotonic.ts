/**
 * Milliseconds on a monotonic clock, for measuring spans. `process.hrtime` rather than the global
 * `performance`, whose first use loads `perf_hooks` (~0.7 ms of a command's start-up).
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
