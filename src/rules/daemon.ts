// RulesDaemon: one validated config, running as a service under the supervisor, which
// watches its roots; each event goes through its watch's event map to schedulers (or
// Cancel). Reload starts the new daemon first, then stops the old one (it pauses and
// drains), so no event is lost in between (pyinotifyd paused the old one first). Stopping
// lets schedulers finish within shutdown_timeout.
//
// Moves and deletes are taken from the engine whatever the event maps ask for, and go to
// every scheduler first (before the event map): a pending task follows its file when the
// file or a directory above it is renamed, and is dropped when the file leaves the tree.
// So a Cancel on IN_MOVED_FROM only acts on files moved out; a move within the tree
// takes the task along.

import { isExcluded, makeFilter, NO_FILTER, type PathFilter } from "../watch/index.ts";
import { trimSlashes, type EventName, type FsEvent } from "../events/index.ts";
import { log } from "../log.ts";
import type { Service, ServiceContext, WatchRequest } from "../supervisor/index.ts";
import { Cancel, type TaskScheduler } from "./scheduler.ts";
import type { ValidConfig, ValidWatch } from "./config.ts";

export class RulesDaemon implements Service {
  readonly name = "rules";
  /** Rules never end by themselves: a root that is gone only drops its pending tasks. */
  readonly ended = new Promise<number>(() => {});
  private readonly byRoot = new Map<string, ValidWatch[]>();
  /** The schedulers each watch's event map names (Cancel included). */
  private readonly schedulersOf = new Map<ValidWatch, Set<TaskScheduler>>();
  /** Each watch's exclude_filter, built once. */
  private readonly filterOf = new Map<ValidWatch, PathFilter>();
  private paused = false;
  private readonly log;

  constructor(readonly config: ValidConfig) {
    this.log = log.withTag(config.logname);
  }

  /** Every root (globs expanded now), with the union of what its watches ask. */
  watches(): WatchRequest[] {
    this.plan();
    return [...this.byRoot].map(([root, watches]) => {
      const events = new Set<EventName>(watches.flatMap((w) => [...w.map.keys()]));
      const subscribe = [...events, ...STRUCTURE].filter(
        (e, i, all) => e !== "IN_Q_OVERFLOW" && e !== "IN_IGNORED" && all.indexOf(e) === i,
      );
      const polls = watches.flatMap((w) => (w.poll === undefined ? [] : [w.poll]));
      return {
        root,
        ...(polls.length ? { poll: Math.min(...polls) } : {}),
        recursive: watches.some((w) => w.rec),
        autoAdd: watches.some((w) => w.autoAdd),
        events: subscribe,
        // One watch on this path: its excludes also stop descent (else they filter events only).
        ...(watches.length === 1 ? { filter: this.filterOf.get(watches[0]!)! } : {}),
      };
    });
  }

  /** The supervisor watches every root first; then the schedulers take its clock. */
  async start(ctx: ServiceContext): Promise<void> {
    for (const s of this.config.schedulers) s.attach(ctx.clock);
    if (this.config.watches.length === 0) this.log.warn("no watches configured: the daemon will not do anything");
    for (const root of this.byRoot.keys()) this.log.info(`start listening for inotify events on '${root}'`);
  }

  onEvent(ev: FsEvent): void {
    this.route(ev);
  }

  /**
   * Take no more events (on reload the new daemon is already listening); tasks in their
   * delay run now or are dropped (shutdown_pending), running ones get shutdown_timeout.
   */
  async stop(): Promise<void> {
    this.paused = true;
    const left = await Promise.all(
      this.config.schedulers.map((s) => s.shutdown(this.config.shutdownTimeoutMs, this.config.pending)),
    );
    const abandoned = left.reduce((a, b) => a + b, 0);
    this.log.info(
      abandoned
        ? `shutdown complete; ${abandoned} task(s) were still running at the timeout (ended or left running: see above)`
        : "shutdown complete",
    );
  }

  /** The process exits now (a second signal): kill running commands' process groups. */
  endNow(): void {
    for (const s of this.config.schedulers) s.endNow();
  }

  private route(ev: FsEvent): void {
    if (this.paused) return;
    const watches = this.byRoot.get(ev.root) ?? [];
    const name = ev.names[0] as EventName | undefined;
    this.log.debug(`received event, dir=${ev.dir}, maskname=${ev.names.join("|")}, pathname=${ev.path}`);
    this.followTree(ev);
    for (const w of watches) {
      if (!this.sees(w, ev.root, ev.path)) continue;
      for (const h of (name && w.map.get(name)) || []) {
        if (h instanceof Cancel) h.scheduler.cancel(ev);
        else h.schedule(ev);
      }
    }
  }

  /** Which roots (globs expanded now) each watch has, and its schedulers. */
  private plan(): void {
    if (this.byRoot.size > 0 || this.schedulersOf.size > 0) return;
    for (const w of this.config.watches) {
      if (w.map.size === 0) continue; // acted on by a layer above (its plugins), not by rules
      this.schedulersOf.set(w, new Set([...w.map.values()].flat().map((h) => (h instanceof Cancel ? h.scheduler : h))));
      this.filterOf.set(w, w.exclude.length ? makeFilter({ exclude: w.exclude }) : NO_FILTER);
      for (const path of expandWatchPaths(w.paths)) {
        const list = this.byRoot.get(path) ?? [];
        list.push(w);
        this.byRoot.set(path, list);
      }
    }
  }

  /** Moves and deletes, for every scheduler: pending tasks follow their file, or drop. */
  private followTree(ev: FsEvent): void {
    if (ev.kind === "move" && ev.to !== undefined) {
      const root = this.rootOf(ev.to) ?? ev.root;
      for (const s of this.config.schedulers) s.follow(ev.path, ev.to, ev.dir, root, (p) => this.watched(s, p));
    } else if (ev.kind === "delete" || ev.kind === "gone" || (ev.kind === "create" && ev.names[0] === "IN_MOVED_TO")) {
      const why =
        ev.kind === "gone"
          ? "the watched directory is gone"
          : ev.kind === "create"
            ? "replaced by an entry moved in"
            : ev.names[0] === "IN_MOVED_FROM"
              ? "moved out of the watched tree"
              : "deleted";
      for (const s of this.config.schedulers) s.left(ev.path, ev.dir, why);
    }
  }

  /** Some watch whose event map names `s` reports `path`. */
  private watched(s: TaskScheduler, path: string): boolean {
    for (const [root, watches] of this.byRoot) {
      if (!path.startsWith(`${root}/`)) continue;
      for (const w of watches) if (this.schedulersOf.get(w)?.has(s) && this.sees(w, root, path)) return true;
    }
    return false;
  }

  /** The watch on `root` reports `path`: not excluded, and not too deep for rec: false. */
  private sees(w: ValidWatch, root: string, path: string): boolean {
    if (isExcluded(this.filterOf.get(w)!, path)) return false;
    return w.rec || !path.slice(root.length + 1).includes("/");
  }

  /** The longest watched root that holds `path`. */
  private rootOf(path: string): string | undefined {
    let best: string | undefined;
    for (const root of this.byRoot.keys())
      if (path.startsWith(`${root}/`) && (!best || root.length > best.length)) best = root;
    return best;
  }
}

/** Events the daemon takes for itself: tasks follow moves and deletes (followTree). */
const STRUCTURE: EventName[] = ["IN_MOVED_FROM", "IN_MOVED_TO", "IN_DELETE"];

/** A watch path may be a glob: the directories it matches, now (plugins expand theirs alike). */
export function expandWatchPaths(paths: string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (!/[*?[{]/.test(p)) {
      out.push(trimSlashes(p));
      continue;
    }
    const matches = [...new Bun.Glob(p.replace(/^\//, "")).scanSync({ cwd: "/", onlyFiles: false, absolute: true })];
    if (matches.length === 0) log.withTag("daemon").warn(`'${p}' matches no directory now`);
    out.push(...matches.sort());
  }
  return out;
}
