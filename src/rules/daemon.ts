// RulesDaemon: one validated config, running. One inotify engine for every watch; each
// event goes through its watch's event map to schedulers (or Cancel). Reload starts the
// new daemon first, then pauses and drains the old one, so no event is lost in between
// (pyinotifyd paused the old one first). Shutdown closes the watches, then lets
// schedulers finish within shutdown_timeout.
//
// Moves and deletes are taken from the engine whatever the event maps ask for, and go to
// every scheduler first (before the event map): a pending task follows its file when the
// file or a directory above it is renamed, and is dropped when the file leaves the tree.
// So a Cancel on IN_MOVED_FROM only acts on files moved out; a move within the tree
// takes the task along.

import { isExcluded, makeFilter, type Watcher, type WatcherHandlers } from "../watch/index.ts";
import { trimSlashes, type EventName, type FsEvent } from "../events/index.ts";
import { log } from "../log.ts";
import type { Clock } from "../clock.ts";
import { Cancel, type TaskScheduler } from "./scheduler.ts";
import type { ValidConfig, ValidWatch } from "./model.ts";

export interface DaemonDeps {
  clock: Clock;
  makeWatcher(handlers: WatcherHandlers): Watcher;
}

export class RulesDaemon {
  private watcher: Watcher | undefined;
  private readonly byRoot = new Map<string, ValidWatch[]>();
  /** The schedulers each watch's event map names (Cancel included). */
  private readonly schedulersOf = new Map<ValidWatch, Set<TaskScheduler>>();
  private paused = false;
  private readonly log;

  constructor(
    readonly config: ValidConfig,
    private readonly deps: DaemonDeps,
  ) {
    this.log = log.withTag(config.logname);
  }

  /** Watch every path; throws (a SeedError) when a path cannot be watched. */
  async start(): Promise<void> {
    for (const s of this.config.schedulers) s.attach(this.deps.clock);
    this.watcher = this.deps.makeWatcher({ onEvent: (ev) => this.route(ev) });
    this.plan();
    if (this.config.watches.length === 0) this.log.warn("no watches configured: the daemon will not do anything");
    for (const [path, watches] of this.byRoot) {
      const events = new Set<EventName>(watches.flatMap((w) => [...w.map.keys()]));
      // One watch on this path: its excludes also stop descent (else they filter events only).
      const filter = watches.length === 1 ? makeFilter({ exclude: watches[0]!.exclude }) : undefined;
      const subscribe = [...events, ...STRUCTURE].filter(
        (e, i, all) => e !== "IN_Q_OVERFLOW" && e !== "IN_IGNORED" && all.indexOf(e) === i,
      );
      const recursive = watches.some((w) => w.rec);
      await this.watcher.add(path, {
        recursive,
        autoAdd: watches.some((w) => w.autoAdd),
        events: subscribe,
        ...(filter ? { filter } : {}),
      });
      this.log.info(`start listening for inotify events on '${path}'`);
    }
  }

  /**
   * What start() would refuse, without starting anything (run --check): each root is
   * added to a watcher, alone, then closed. Same watcher, same errors, same order.
   */
  async check(): Promise<void> {
    this.plan();
    const watcher = this.deps.makeWatcher({ onEvent: () => {} });
    try {
      for (const path of this.byRoot.keys()) await watcher.add(path, { recursive: false, events: [] });
    } finally {
      await watcher.close();
    }
  }

  /** Take no more events (reload: the new daemon is already listening). */
  pause(): void {
    this.paused = true;
    for (const s of this.config.schedulers) s.pause();
  }

  async shutdown(): Promise<void> {
    this.paused = true;
    await this.watcher?.close();
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
      if (!sees(w, ev.root, ev.path)) continue;
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
      this.schedulersOf.set(w, new Set([...w.map.values()].flat().map((h) => (h instanceof Cancel ? h.scheduler : h))));
      for (const path of expand(w.paths)) {
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
      for (const w of watches) if (this.schedulersOf.get(w)?.has(s) && sees(w, root, path)) return true;
    }
    return false;
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

/** The watch on `root` reports `path`: not excluded, and not too deep for rec: false. */
function sees(w: ValidWatch, root: string, path: string): boolean {
  if (
    w.exclude.length &&
    isExcluded({ exclude: w.exclude.map((re) => ({ source: re.source, test: (p) => re.test(p) })), include: [] }, path)
  )
    return false;
  return w.rec || !path.slice(root.length + 1).includes("/");
}

/** A watch path may be a glob: the directories it matches, now. */
function expand(paths: string[]): string[] {
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
