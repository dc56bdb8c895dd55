// A sliding-window limiter: at most `requests` in any `windowMs`, as the tracker counts
// them. Theory of operation: the tracker counts a request when it *arrives*, which we
// cannot see; we only know it arrived between our send and the answer. So a request
// holds its slot while in flight, and its slot frees `windowMs` after its answer came
// back, never after it was sent: then the (N+1)th request is sent after the 1st one
// arrived plus the window, whatever the network's delay was. Waiters are served in order.
//
// One limiter per site for the whole process (`sharedLimiter`), so concurrent searches
// and downloads of one worker share the site's budget. A "you are rate-limited" answer
// from the site (`penalise`) closes every slot for a window: someone else (another
// program on the same account) spent part of it.

import { type Clock, realClock } from "../../clock.ts";

export interface RateLimit {
  requests: number;
  windowMs: number;
}

/** What the documented Gazelle limit is (What.CD, OPS): 5 requests per 10 s. */
export const DEFAULT_RATE_LIMIT: RateLimit = { requests: 5, windowMs: 10_000 };

export class RateLimiter {
  /** For each slot in use: undefined while in flight, else the time its answer came back. */
  private readonly slots: (number | undefined)[] = [];
  private readonly waiters: (() => void)[] = [];
  private blockedUntil = 0;
  private timer: unknown;

  constructor(
    readonly limit: RateLimit,
    private readonly clock: Clock = realClock,
  ) {
    if (!(limit.requests >= 1) || !(limit.windowMs > 0))
      throw new RangeError(`bad rate limit ${JSON.stringify(limit)}`);
  }

  /** Run `fn` inside one slot. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  /** The site said we are over its limit: wait a whole window before the next request. */
  penalise(ms = this.limit.windowMs): void {
    this.blockedUntil = Math.max(this.blockedUntil, this.clock.now() + ms);
  }

  /** Slots taken now (in flight or inside the window), for tests and logs. */
  get inUse(): number {
    this.expire();
    return this.slots.length;
  }

  // --- internal ---

  private acquire(): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push(() => {
        this.slots.push(undefined);
        resolve();
      });
      this.pump();
    });
  }

  private release(): void {
    // Any in-flight slot may be the one that ended: slots are interchangeable, so the
    // earliest in-flight one takes the answer's time.
    const i = this.slots.indexOf(undefined);
    if (i >= 0) this.slots[i] = this.clock.now();
    this.pump();
  }

  /** Drop slots whose window has passed. */
  private expire(): void {
    const now = this.clock.now();
    for (let i = this.slots.length - 1; i >= 0; i--) {
      const at = this.slots[i];
      if (at !== undefined && at + this.limit.windowMs <= now) this.slots.splice(i, 1);
    }
  }

  /** Let in as many waiters as there are free slots; otherwise wake up when one frees. */
  private pump(): void {
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
    for (;;) {
      this.expire();
      const now = this.clock.now();
      if (this.waiters.length === 0) return;
      if (now < this.blockedUntil) return this.wake(this.blockedUntil - now);
      if (this.slots.length >= this.limit.requests) {
        const done = this.slots.filter((s): s is number => s !== undefined);
        // All in flight: release() pumps again.
        if (done.length > 0) this.wake(Math.min(...done) + this.limit.windowMs - now);
        return;
      }
      this.waiters.shift()!();
    }
  }

  private wake(ms: number): void {
    this.timer = this.clock.setTimeout(
      () => {
        this.timer = undefined;
        this.pump();
      },
      Math.max(1, ms),
    );
  }
}

/** The one limiter of a site (keyed by its URL's origin and account) in this process. */
export function sharedLimiter(key: string, limit: RateLimit, clock: Clock = realClock): RateLimiter {
  const found = limiters.get(key);
  if (found && found.limit.requests === limit.requests && found.limit.windowMs === limit.windowMs) return found;
  const made = new RateLimiter(limit, clock);
  limiters.set(key, made);
  return made;
}

const limiters = new Map<string, RateLimiter>();
