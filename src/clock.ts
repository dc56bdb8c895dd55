// Clock: time as a dependency, so delays are tested with a fake clock (test/fakes/clock.ts)
// instead of sleeping. Every layer may take one: the inotify engine's windows, the rules'
// delays, the rtorrent tracker's debounce, a hook's timeout, the supervisor's reloads.

export interface Clock {
  /** Milliseconds on a clock that never jumps (not the wall clock): only differences mean anything. */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};
