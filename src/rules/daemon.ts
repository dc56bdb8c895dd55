// RulesDaemon: one validated config, running. One inotify engine for every watch; each
// event goes through its watch's event map to schedulers (or Cancel). Reload starts the
// new daemon first, then pauses and drains the old one, so no event is lost in between
// (pyinotifyd paused the old one first). Shutdown closes the watches, then lets
// schedulers finish within shutdown_timeout.

import { isExcluded, makeFilter, type Watcher, type WatcherHandlers } from "../watch/index.ts";
import { trimSlashes, type EventName, type FsEvent } from "../events/index.ts";
import { log } from "../log.ts";
import type { Clock } from "./clock.ts";
import { Cancel } from "./scheduler.ts";
import type { ValidConfig, ValidWatch } from "./model.ts";

export interface DaemonDeps {
  clock: Clock;
  makeWatcher(handlers: WatcherHandlers): Watcher;
}

export class RulesDaemon {
  private watcher: Watcher | undefined;
  private readonly byRoot = new Map<string, ValidWatch[]>();
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
    if (this.config.watches.length === 0) this.log.warn("no watches configured: the daemon will not do anything");
    for (const w of this.config.watches) {
      for (const path of expand(w.paths)) {
        const list = this.byRoot.get(path) ?? [];
        list.push(w);
        this.byRoot.set(path, list);
      }
    }
    for (const [path, watches] of this.byRoot) {
      const events = new Set<EventName>(watches.flatMap((w) => [...w.map.keys()]));
      // One watch on this path: its excludes also stop descent (else they filter events only).
      const filter = watches.length === 1 ? makeFilter({ exclude: watches[0]!.exclude }) : undefined;
      const subscribe = [...events].filter((e) => e !== "IN_Q_OVERFLOW" && e !== "IN_IGNORED");
      const recursive = watches.some((w) => w.rec);
      await this.watcher.add(path, { recursive, autoAdd: watches.some((w) => w.autoAdd), events: subscribe, ...(filter ? { filter } : {}) });
      this.log.info(`start listening for inotify events on '${path}'`);
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
    const left = await Promise.all(this.config.schedulers.map((s) => s.shutdown(this.config.shutdownTimeoutMs, this.config.pending)));
    const abandoned = left.reduce((a, b) => a + b, 0);
    this.log.info(abandoned ? `shutdown complete; ${abandoned} task(s) abandoned after the timeout` : "shutdown complete");
  }

  private route(ev: FsEvent): void {
    if (this.paused) return;
    const watches = this.byRoot.get(ev.root) ?? [];
    const name = ev.names[0] as EventName | undefined;
    this.log.debug(`received event, dir=${ev.dir}, maskname=${ev.names.join("|")}, pathname=${ev.path}`);
    for (const w of watches) {
      if (w.exclude.length && isExcluded({ exclude: w.exclude.map((re) => ({ source: re.source, test: (p) => re.test(p) })), include: [] }, ev.path)) continue;
      if (!w.rec && ev.path.slice(ev.root.length + 1).includes("/")) continue;
      for (const h of (name && w.map.get(name)) || []) {
        if (h instanceof Cancel) h.scheduler.cancel(ev);
        else h.schedule(ev);
      }
    }
  }
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
