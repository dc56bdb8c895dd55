// TrackerService: the rtorrent index kept up to date while rtorrent runs, as a service
// under the supervisor (`seedwatch rtorrent SESSION`, or a run config's rtorrent section).
// The supervisor watches the session directory first; start() then reconciles every hash,
// so nothing written meanwhile is missed, runs pre_loop, and from then on each event
// schedules a reconcile of its hash (tracker.ts). The session directory going away ends
// it (exit 4, after post_loop).

import { EXIT } from "../errors.ts";
import type { FsEvent } from "../events/index.ts";
import { callHook } from "../hooks/call.ts";
import { log, withStack } from "../log.ts";
import type { Service, ServiceContext, WatchRequest } from "../supervisor/index.ts";
import { openIndex, type OpenIndex, type TrackerSetup } from "./open.ts";
import type { Summary } from "./tracker.ts";

/** How the command shows the first full reconcile: a progress bar, a summary line. */
export interface IndexView {
  progress?: (done: number, total: number) => void;
  indexed?: (summary: Summary) => void;
}

export interface TrackerServiceOptions {
  view?: IndexView;
  /** -n: work on a copy of the index, change no file, and `print` what would be done. */
  dryRun?: { print: (line: string) => void };
}

export class TrackerService implements Service {
  readonly name: string;
  readonly ended: Promise<number>;
  private end!: (code: number) => void;
  private index: OpenIndex | undefined;
  private ctx: ServiceContext | undefined;
  private readonly view: IndexView;
  private readonly log = log.withTag("rtorrent");

  constructor(
    private readonly setup: TrackerSetup,
    private readonly options: TrackerServiceOptions = {},
  ) {
    this.view = options.view ?? {};
    this.name = `rtorrent ${setup.session}`;
    this.ended = new Promise((r) => (this.end = r));
  }

  watches(): WatchRequest[] {
    const events = ["IN_CREATE", "IN_CLOSE_WRITE", "IN_MOVED_TO", "IN_MOVED_FROM", "IN_DELETE", "IN_ATTRIB"] as const;
    return [{ root: this.setup.session, recursive: false, events: [...events] }];
  }

  async start(ctx: ServiceContext): Promise<void> {
    const { dryRun } = this.options;
    const say = dryRun ? dryRun.print : (line: string) => this.log.info(line);
    const index = await openIndex(this.setup, { dryRun: dryRun !== undefined, say, clock: ctx.clock });
    try {
      this.index = index;
      this.ctx = ctx;
      const summary = await index.tracker.reconcileAll(this.view.progress);
      this.view.indexed?.(summary);
      const { tracker, store } = index;
      const args = [store.db, ctx.watcher, this.setup.args, tracker.queues, tracker.qfuncs, tracker.inotifyFuncs];
      await this.loopHook("pre_loop", args);
    } catch (err) {
      this.index = undefined;
      index.store.close();
      throw err;
    }
    this.log.info(`watching ${this.setup.session}`);
  }

  onEvent(ev: FsEvent): void {
    if (ev.kind === "gone" && ev.root === this.setup.session) {
      this.log.error(`the session directory ${ev.path} is gone; stopping`);
      return this.end(EXIT.notFound);
    }
    this.index?.tracker.onEvent(ev);
  }

  /** Finish pending reconciles and hooks, run post_loop, close the index. */
  async stop(): Promise<void> {
    const index = this.index;
    if (!index) return;
    this.index = undefined;
    index.tracker.stop();
    await index.tracker.idle();
    await this.loopHook("post_loop", [index.store.db, this.ctx?.watcher, this.setup.args], index);
    index.store.close();
  }

  // --- internal ---

  /** pre_loop and post_loop, under the watchdog like every hook; a failure is one line (stack at -v). */
  private async loopHook(name: "pre_loop" | "post_loop", args: unknown[], index = this.index): Promise<void> {
    const fn = index?.hooks[name];
    if (!fn) return;
    const r = await callHook({ hook: `hook ${name}` }, fn, args, this.setup.hookTimeoutMs, this.ctx?.clock);
    if (!r.ok && r.kind !== "skipped") this.log.warn(withStack(r.error, r.stack));
  }
}
