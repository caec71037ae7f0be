/**
 * The delays, in milliseconds, that `action` passes to `setTimeout`: how long code waits, read exactly,
 * without a test that measures time. With `immediately` every timer fires at once (for code whose only
 * timers are its own waits); without it they keep their delays (for code that also runs a client
 * library's request timers).
 */
export async function timerDelays(action: () => Promise<unknown>, { immediately = false } = {}): Promise<number[]> {
  const delays: number[] = [];
  const real = globalThis.setTimeout;
  globalThis.setTimeout = ((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    delays.push(ms ?? 0);
    return real(callback, immediately ? 0 : ms, ...args);
  }) as typeof setTimeout;
  try {
    await action();
  } finally {
    globalThis.setTimeout = real;
  }
  return delays;
}
