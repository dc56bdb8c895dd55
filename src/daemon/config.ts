// A run config (`seedwatch run CONFIG.ts`) as services under one supervisor: its rules
// (RulesDaemon), its rtorrent section (TrackerService), and the file itself, whose saving
// reloads it (ReloadOnSave). A reload, on SIGHUP or a save, loads and validates the new
// config and starts it before the old one is retired, so no event is lost in between; a
// config that does not load or start is refused and the old one keeps running. The
// rtorrent section restarts only if it changed (old one stopped first: they share the
// index), and a section that fails to start is logged while the rules go on.

import { resolve } from "node:path";
import type { Clock } from "../clock.ts";
import { loadConfig } from "../hooks/config.ts";
import { log } from "../log.ts";
import { RulesDaemon } from "../rules/daemon.ts";
import type { ValidConfig } from "../rules/config.ts";
import { TrackerService, type IndexView } from "../rtorrent/service.ts";
import { checkRoots, onSignals, ReloadOnSave, Supervisor, type SignalSource } from "../supervisor/index.ts";
import type { Watcher, WatcherHandlers } from "../watch/index.ts";
import { indexPath } from "../xdg.ts";

export interface ConfigDeps {
  makeWatcher(handlers: WatcherHandlers): Watcher;
  clock?: Clock;
  signals: SignalSource;
  /** The limit of the rtorrent section's hooks. */
  hookTimeoutMs: number;
  /** How the rtorrent section shows its first index. */
  indexView?: IndexView;
}

/** Run the config at `path` (absolute) until a signal or its rtorrent session goes away; the exit code. */
export async function superviseConfig(path: string, deps: ConfigDeps): Promise<number> {
  const daemon = new ConfigDaemon(path, deps);
  await daemon.start();
  const stopListening = onSignals(daemon.supervisor, deps.signals);
  log.withTag("daemon").info(`running ${path}`); // only now: a signal from here on is handled, not fatal
  try {
    return await daemon.supervisor.run();
  } finally {
    stopListening();
  }
}

/**
 * run --check: load and validate, then refuse what `run` would refuse at start-up (a
 * watch path or the rtorrent session that cannot be watched: same message, hint and
 * exit code), without starting anything.
 */
export async function checkConfig(path: string, makeWatcher: ConfigDeps["makeWatcher"]): Promise<ValidConfig> {
  const config = await loadConfig(path);
  const tracker = trackerOf(config, 0);
  await checkRoots([new RulesDaemon(config), ...(tracker ? [tracker] : [])], makeWatcher);
  return config;
}

// --- internal ---

class ConfigDaemon {
  readonly supervisor: Supervisor;
  private rules: RulesDaemon | undefined;
  private tracker: TrackerService | undefined;
  private readonly log = log.withTag("daemon");

  constructor(
    private readonly path: string,
    private readonly deps: ConfigDeps,
  ) {
    const { makeWatcher, clock } = deps;
    this.supervisor = new Supervisor({ makeWatcher, clock, tag: "daemon", reload: (why) => this.reload(why) });
  }

  async start(): Promise<void> {
    const rules = new RulesDaemon(await loadConfig(this.path));
    const tracker = trackerOf(rules.config, this.deps.hookTimeoutMs, this.deps.indexView);
    await this.supervisor.add([rules, ...(tracker ? [tracker] : []), new ReloadOnSave(this.path)]);
    this.rules = rules;
    this.tracker = tracker;
  }

  private async reload(why: string): Promise<void> {
    this.log.info(`${why}: reloading ${this.path}`);
    const old = this.rules!;
    let next: RulesDaemon;
    try {
      next = new RulesDaemon(await loadConfig(this.path, true));
      await this.supervisor.replace([old], [next]);
    } catch (err) {
      this.log.error(
        `unable to reload config file '${this.path}': ${(err as Error).message}; the running config stays`,
      );
      return;
    }
    this.rules = next;
    if (JSON.stringify(old.config.rtorrent) !== JSON.stringify(next.config.rtorrent)) await this.restartTracker();
    this.log.info("config reloaded");
  }

  private async restartTracker(): Promise<void> {
    if (this.tracker) await this.supervisor.remove(this.tracker);
    this.tracker = trackerOf(this.rules!.config, this.deps.hookTimeoutMs, this.deps.indexView);
    if (!this.tracker) return;
    try {
      await this.supervisor.add([this.tracker]);
    } catch (err) {
      this.tracker = undefined;
      this.log.error(`the rtorrent section could not start: ${(err as Error).message}`);
    }
  }
}

/** The config's rtorrent section, as `seedwatch rtorrent SESSION PATHS` would run it. */
function trackerOf(config: ValidConfig, hookTimeoutMs: number, view?: IndexView): TrackerService | undefined {
  const r = config.rtorrent;
  if (!r) return undefined;
  const setup = {
    session: resolve(r.session),
    roots: (r.paths ?? []).map((p) => resolve(p)),
    db: resolve(r.db ?? indexPath()),
    hookFiles: r.hooks ?? [],
    remove: r.remove ?? false,
    trash: r.trash,
    maxDelete: r.max_delete,
    hookTimeoutMs,
    args: { ...r },
  };
  return new TrackerService(setup, { view });
}
