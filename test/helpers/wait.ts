// Waiting for conditions, never for time. `waitFor` re-checks a condition that has no
// event to wake on (a file appearing, a process's output); EventLog wakes on events.

import type { FsEvent } from "../../src/events/index.ts";

const WAIT_POLL_MS = 5;

/** Re-check `cond` until it returns a truthy value; fail after `timeoutMs` with `label`. */
export async function waitFor<T>(
  cond: () => T | Promise<T>,
  label: string,
  timeoutMs = 10_000,
): Promise<NonNullable<T>> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = await cond();
    if (v) return v as NonNullable<T>;
    if (performance.now() > deadline) throw new Error(`waitFor timed out after ${timeoutMs} ms: ${label}`);
    await Bun.sleep(WAIT_POLL_MS); // waitFor: poll the condition
  }
}

/** Collects events; `until` resolves as soon as a matching event has arrived. */
export class EventLog {
  readonly events: FsEvent[] = [];
  private waiters: { pred: (e: FsEvent) => boolean; resolve: (e: FsEvent) => void }[] = [];

  /** Called synchronously inside the watcher's onEvent, for state checks at that instant. */
  tap: ((e: FsEvent) => void) | undefined;

  readonly push = (e: FsEvent): void => {
    this.events.push(e);
    this.tap?.(e);
    this.waiters = this.waiters.filter((w) => {
      if (!w.pred(e)) return true;
      w.resolve(e);
      return false;
    });
  };

  /** The first event (already seen or still to come) that matches. */
  until(pred: (e: FsEvent) => boolean, label: string, timeoutMs = 10_000): Promise<FsEvent> {
    const seen = this.events.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no event: ${label}\nseen:\n${this.dump()}`)), timeoutMs);
      this.waiters.push({
        pred,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      });
    });
  }

  /** Events for `path` with the given first name. */
  named(path: string, name: string): FsEvent[] {
    return this.events.filter((e) => e.path === path && e.names[0] === name);
  }

  dump(): string {
    return this.events
      .map((e) => `  ${e.kind} ${e.names.join("|")} ${e.path}${e.from ? ` from ${e.from}` : ""}`)
      .join("\n");
  }
}
