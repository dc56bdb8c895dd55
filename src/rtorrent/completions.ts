// Completions and the queues of rtorrent_event: `complete` first, then any a pre_loop hook
// adds (with its function in `qfuncs`). Items run one at a time, in their own lane (the
// index goes on meanwhile). The `complete` hook runs exactly once per completion: the
// index remembers it ran, across restarts; a hook that pushes the path back onto
// `queues.complete` is tried again REQUEUE_DELAY_MS later, as in the original; one that
// was skipped (it blocked seedwatch once) is not marked done, so clearing its hang record
// runs it.

import type { Database } from "bun:sqlite";
import { existsSync } from "node:fs";
import type { Clock } from "../clock.ts";
import { joinPath } from "../events/index.ts";
import type { HookFn, HookRunner, Hooks } from "./hooks.ts";
import type { KeyedLanes } from "./lanes.ts";
import type { SessionStore, UpsertResult } from "./store.ts";

/** When a complete hook re-queues itself, try again after this long. */
export const REQUEUE_DELAY_MS = 5000;
/** The lane of the queues (not a hash). */
const QUEUE_LANE = "queues";

export type QueueFunction = (db: Database, path: string, args: unknown, queues: Record<string, string[]>) => unknown;

export interface CompletionsDeps {
  store: SessionStore;
  session: string;
  hooks: Hooks;
  runner: HookRunner;
  lanes: KeyedLanes;
  clock: Clock;
  args: Record<string, unknown>;
  /** Counts a completion (the run's summary). */
  completed: () => void;
}

export class Completions {
  /** rtorrent_event's queues: `complete` first, then any a pre_loop hook adds. */
  readonly queues: Record<string, string[]> = { complete: [] };
  readonly qfuncs: Record<string, QueueFunction> = {};
  /** During a full reconcile: the hashes with a .complete marker (one listing, not a stat each). */
  markers: Set<string> | undefined;
  private timer: unknown;

  constructor(private readonly d: CompletionsDeps) {}

  /** After an index write: queue the complete hook if this torrent completed and it has not run. */
  check(hash: string, complete: boolean, result: UpsertResult): void {
    const { store, session } = this.d;
    const marker = joinPath(session, `${hash}.complete`);
    const hasMarker = this.markers ? this.markers.has(hash) : existsSync(marker);
    if (result === "added" && !hasMarker) return; // added with its flag; no completion to run for it
    const turnedOn = store.setComplete(hash, complete || hasMarker) && result !== "added";
    const stored = store.state(hash)!;
    const due = stored.complete && stored.completeHookAt === null && (turnedOn || hasMarker);
    const path = hasMarker ? marker : joinPath(session, `${hash}.torrent`);
    if (due && !this.queues.complete!.includes(path)) this.queues.complete!.push(path);
  }

  /** Items wait (a completion, or a user queue fed by an inotify handler): run them in their lane. */
  kick(): void {
    if (!this.d.lanes.busy(QUEUE_LANE) && this.waiting()) void this.d.lanes.run(QUEUE_LANE, () => this.run());
  }

  /** Run the queues once: the complete hook first, then user queues, one item at a time. */
  async run(): Promise<void> {
    for (const [name, items] of Object.entries(this.queues)) {
      for (let n = items.length; n > 0 && items.length > 0; n--) {
        const path = items.shift()!;
        if (name === "complete") await this.complete(path);
        else if (this.qfuncs[name])
          await this.d.runner.call(`queue ${name}`, this.qfuncs[name] as HookFn, [
            this.d.store.db,
            path,
            this.d.args,
            this.queues,
          ]);
      }
    }
    if (this.waiting() && !this.timer) {
      this.timer = this.d.clock.setTimeout(() => {
        this.timer = undefined;
        void this.d.lanes.run(QUEUE_LANE, () => this.run());
      }, REQUEUE_DELAY_MS);
    }
  }

  stop(): void {
    this.d.clock.clearTimeout(this.timer);
  }

  // --- internal ---

  private waiting(): boolean {
    return Object.values(this.queues).some((q) => q.length > 0);
  }

  private async complete(path: string): Promise<void> {
    const { store, hooks, runner } = this.d;
    const hash = /([0-9A-F]{40})\.(complete|torrent)$/.exec(path)?.[1];
    const stored = hash ? store.get(hash) : undefined;
    if (!hash || !stored || stored.completeHookAt) return; // erased meanwhile, or done
    this.d.completed();
    const ran = hooks.complete
      ? await runner.call("complete", hooks.complete, [store.db, path, this.d.args, this.queues], {
          hash,
          name: stored.name,
        })
      : "ok";
    if (ran !== "skipped" && !this.queues.complete!.includes(path)) store.markCompleteHookRun(hash);
  }
}
