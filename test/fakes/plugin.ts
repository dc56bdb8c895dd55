// RecordingPlugin: an AttachedPlugin that writes down what it is told, in order, for tests
// of what hands plugins their events (WatchPlugins, the supervisor around it).

import type { EventName, FsEvent } from "../../src/events/index.ts";
import { CHANGE_EVENTS } from "../../src/events/index.ts";
import type { AttachedPlugin } from "../../src/plugins/index.ts";

export class RecordingPlugin implements AttachedPlugin {
  readonly calls: string[] = [];
  readonly events: ReadonlySet<EventName>;
  /** Resolve to let idle() settle (it settles at once unless `holdIdle`). */
  release: () => void = () => {};

  constructor(
    readonly label: string,
    events: readonly EventName[] = CHANGE_EVENTS,
    private readonly opts: { holdIdle?: boolean } = {},
  ) {
    this.events = new Set(events);
  }

  init(): void {
    this.calls.push("init");
  }

  event(ev: FsEvent): void {
    this.calls.push(`${ev.kind} ${ev.path}`);
  }

  reconfig(options: unknown): void {
    this.calls.push(`reconfig ${JSON.stringify(options)}`);
  }

  dead(why: string): void {
    this.calls.push(`dead: ${why}`);
  }

  reopen(): void {
    this.calls.push("reopen");
  }

  idle(): Promise<void> {
    return this.opts.holdIdle ? new Promise((r) => (this.release = r)) : Promise.resolve();
  }
}
