// A run config (`seedwatch run CONFIG.ts`) as services under one supervisor: its rules
// (RulesDaemon), the plugins of each watched root (WatchPlugins) and their files
// (PluginFiles), its rtorrent section (TrackerService), and the file itself, whose saving
// reloads it (ReloadOnSave). A reload, on SIGHUP or a save, loads and validates the new
// config and its plugin files and starts what is new before the old is retired, so no
// event is lost in between; a config that does not load or start is refused and the old
// one keeps running. Plugins on a watch that stays are kept (reconfig if their options
// changed). The rtorrent section restarts only if it changed (old one stopped first: they
// share the index), and a section that fails to start is logged while the rules go on.

import { dirname, resolve } from "node:path";
import type { Clock } from "../clock.ts";
import { loadConfig } from "../hooks/config.ts";
import { log } from "../log.ts";
import { PluginFiles, PluginRuntime, WatchPlugins, type PluginPlan } from "../plugins/index.ts";
import { RulesDaemon } from "../rules/daemon.ts";
import type { ValidConfig } from "../rules/config.ts";
import { TrackerService, type IndexView } from "../rtorrent/service.ts";
import { checkRoots, onSignals, ReloadOnSave, Supervisor, type SignalSource } from "../supervisor/index.ts";
import type { Watcher, WatcherHandlers } from "../watch/index.ts";
import { indexPath } from "../xdg.ts";
import { realClock } from "../clock.ts";

export interface ConfigDeps {
  makeWatcher(handlers: WatcherHandlers): Watcher;
  clock?: Clock;
  signals: SignalSource;
  /** The limit of the rtorrent section's hooks, and of plugin calls. */
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
 * run --check: load and validate (plugin files included), then refuse what `run` would
 * refuse at start-up (a watch path or the rtorrent session that cannot be watched, a
 * mirror into its own source: same message, hint and exit code), without starting anything.
 */
export async function checkConfig(
  path: string,
  makeWatcher: ConfigDeps["makeWatcher"],
  hookTimeoutMs = 0,
): Promise<ValidConfig> {
  const config = await loadConfig(path);
  const tracker = trackerOf(config, 0);
  const runtime = new PluginRuntime({ configDir: dirname(path), clock: realClock, timeoutMs: hookTimeoutMs });
  const plan = await runtime.plan(config);
  const plugins = pluginServices(plan, runtime, config);
  await checkRoots([new RulesDaemon(config), ...plugins, ...(tracker ? [tracker] : [])], makeWatcher);
  return config;
}

// --- internal ---

class ConfigDaemon {
  readonly supervisor: Supervisor;
  private rules: RulesDaemon | undefined;
  private plugins: WatchPlugins[] = [];
  private files: PluginFiles | undefined;
  private tracker: TrackerService | undefined;
  private readonly runtime: PluginRuntime;
  private readonly log = log.withTag("daemon");

  constructor(
    private readonly path: string,
    private readonly deps: ConfigDeps,
  ) {
    const { makeWatcher, clock } = deps;
    this.supervisor = new Supervisor({ makeWatcher, clock, tag: "daemon", reload: (why) => this.reload(why) });
    this.runtime = new PluginRuntime({
      configDir: dirname(path),
      clock: this.supervisor.clock,
      timeoutMs: deps.hookTimeoutMs,
    });
  }

  async start(): Promise<void> {
    const rules = new RulesDaemon(await loadConfig(this.path));
    const plan = await this.runtime.plan(rules.config);
    const plugins = pluginServices(plan, this.runtime, rules.config);
    const files = new PluginFiles(plan.files, plan.dir, this.runtime.code);
    const tracker = trackerOf(rules.config, this.deps.hookTimeoutMs, this.deps.indexView);
    await this.supervisor.add([rules, ...plugins, files, ...(tracker ? [tracker] : []), new ReloadOnSave(this.path)]);
    this.rules = rules;
    this.plugins = plugins;
    this.files = files;
    this.tracker = tracker;
  }

  private async reload(why: string): Promise<void> {
    this.log.info(`${why}: reloading ${this.path}`);
    for (const p of this.plugins) p.reopen(); // logrotate sends SIGHUP too
    const old = this.rules!;
    let next: RulesDaemon;
    let plan: PluginPlan;
    const kept = new Map(this.plugins.map((p) => [p.key, p]));
    let added: WatchPlugins[];
    let files: PluginFiles;
    try {
      next = new RulesDaemon(await loadConfig(this.path, true));
      plan = await this.runtime.plan(next.config);
      const wanted = new Set(plan.watches.map((w) => w.key));
      added = pluginServices(
        { ...plan, watches: plan.watches.filter((w) => !kept.has(w.key)) },
        this.runtime,
        next.config,
      );
      files = new PluginFiles(plan.files, plan.dir, this.runtime.code);
      const removed = this.plugins.filter((p) => !wanted.has(p.key));
      for (const p of removed) p.stopReason = "its watch was removed from the config";
      try {
        await this.supervisor.replace([old, ...removed, this.files!], [next, ...added, files]);
      } catch (err) {
        for (const p of removed) p.stopReason = "the daemon stops";
        throw err;
      }
      for (const p of removed) kept.delete(p.key);
    } catch (err) {
      this.log.error(
        `unable to reload config file '${this.path}': ${(err as Error).message}; the running config stays`,
      );
      return;
    }
    this.rules = next;
    this.files = files;
    for (const w of plan.watches) kept.get(w.key)?.update(w);
    this.plugins = [...kept.values(), ...added];
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

function pluginServices(plan: PluginPlan, runtime: PluginRuntime, config: ValidConfig): WatchPlugins[] {
  return plan.watches.map((w) => new WatchPlugins(w, (p, root) => runtime.attach(p, root), config.shutdownTimeoutMs));
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
