// PluginRuntime: what a daemon's plugins share for its whole life, across config reloads:
// the loaded plugin code, each plugin's cache, the built-ins' shared state. plan() turns a
// validated config into the watches that carry plugins (globs expanded, user files loaded,
// disk checks done: all that can fail, before anything starts); attach() makes one
// plugin on one root.

import { statSync } from "node:fs";
import { resolve } from "node:path";
import type { Clock } from "../clock.ts";
import { ConfigError } from "../errors.ts";
import type { EventName } from "../events/index.ts";
import { log } from "../log.ts";
import type { ValidConfig, ValidWatch } from "../rules/config.ts";
import { expandWatchPaths } from "../rules/daemon.ts";
import type { WatchRequest } from "../supervisor/index.ts";
import { makeFilter, NO_FILTER } from "../watch/index.ts";
import { BUILTINS } from "./builtins.ts";
import { PLUGIN_FILE, PluginCode } from "./code.ts";
import type { PluginSpec } from "./config.ts";
import { DEFAULT_PLUGIN_EVENTS, type AttachedPlugin, type PluginDefinition } from "./plugin.ts";
import { UserPlugin } from "./user-plugin.ts";

/** One plugin of a watch, ready to attach. */
export interface PlannedPlugin {
  /** Stable across reloads while the plugin stays (kind, file, place among its kind). */
  key: string;
  spec: PluginSpec;
  /** For a user's plugin: its file and the code loaded from it. */
  file?: string;
  definition?: PluginDefinition;
}

/** One watched root and its plugins. */
export interface PluginWatch {
  /** Changes when the watch itself does (root, recursion, excludes, poll, events): then it is another watch. */
  key: string;
  root: string;
  request: WatchRequest;
  plugins: PlannedPlugin[];
}

export interface PluginPlan {
  watches: PluginWatch[];
  /** plugins_dir, resolved. */
  dir: string | undefined;
  /** Every user plugin file the watches use. */
  files: string[];
}

export interface RuntimeSetup {
  /** Relative plugin paths and plugins_dir are resolved from here (the config's folder). */
  configDir: string;
  clock: Clock;
  /** How long a user plugin's call may take before it is reported as hung (Plugin's timeout overrides). */
  timeoutMs: number;
}

export class PluginRuntime {
  readonly code = new PluginCode();
  private readonly caches = new Map<string, Map<string, unknown>>();
  private readonly shared = new Map<string, unknown>();
  private readonly log = log.withTag("plugins");

  constructor(readonly setup: RuntimeSetup) {}

  /** What `config` runs as plugins; throws what would stop it (ConfigError, HookError). */
  async plan(config: ValidConfig): Promise<PluginPlan> {
    const dir = config.plugins_dir === undefined ? undefined : resolve(this.setup.configDir, config.plugins_dir);
    if (dir !== undefined) await this.loadDir(dir);
    const watches: PluginWatch[] = [];
    const files = new Set<string>();
    for (const w of config.watches) {
      if (!w.plugins?.length) continue;
      const roots = expandWatchPaths(w.paths);
      const plugins: PlannedPlugin[] = [];
      const seen = new Map<string, number>();
      for (const spec of w.plugins) {
        const p = await this.planPlugin(spec, w, roots, dir);
        const n = seen.get(p.key) ?? 0;
        seen.set(p.key, n + 1);
        plugins.push({ ...p, key: `${p.key}#${n}` });
        if (p.file) files.add(p.file);
      }
      const events = eventsOf(plugins);
      for (const root of roots) watches.push(watchOf(w, root, events, plugins));
    }
    const keys = new Map<string, number>();
    for (const w of watches) {
      const n = keys.get(w.key) ?? 0;
      keys.set(w.key, n + 1);
      if (n) w.key += `#${n}`;
    }
    return { watches, dir, files: [...files] };
  }

  /** One plugin on one root. */
  attach(p: PlannedPlugin, root: string): AttachedPlugin {
    if (p.spec.kind !== "file") {
      const b = BUILTINS.find((x) => x.name === p.spec.kind)!;
      return b.attach(p.spec.options, {
        root,
        configDir: this.setup.configDir,
        clock: this.setup.clock,
        shared: this.shared,
      });
    }
    const cacheKey = `${root}\0${p.key}`;
    const cache = this.caches.get(cacheKey) ?? new Map<string, unknown>();
    this.caches.set(cacheKey, cache);
    const plugin = new UserPlugin({
      label: p.spec.label,
      definition: p.definition!,
      options: p.spec.options as Record<string, unknown>,
      root,
      cache,
      clock: this.setup.clock,
      timeoutMs: p.spec.timeoutMs ?? this.setup.timeoutMs,
    });
    plugin.onEnded = this.code.use(p.file!, plugin);
    return plugin;
  }

  // --- internal ---

  private async planPlugin(
    spec: PluginSpec,
    w: ValidWatch,
    roots: string[],
    dir: string | undefined,
  ): Promise<Omit<PlannedPlugin, "key"> & { key: string }> {
    if (spec.kind !== "file") {
      BUILTINS.find((b) => b.name === spec.kind)!.check?.(spec.options, w, roots, spec.field, this.setup.configDir);
      return { key: spec.kind, spec };
    }
    const source = spec.source!;
    const file =
      "path" in source
        ? resolve(this.setup.configDir, source.path)
        : PluginCode.byName(source.name, dir, `${spec.field}.name`);
    const definition = await this.code.get(file);
    return { key: `file:${file}`, spec, file, definition };
  }

  /** Every plugin in plugins_dir is loaded (and so available by name); one that fails is logged, not fatal. */
  private async loadDir(dir: string): Promise<void> {
    let names: string[];
    try {
      if (!statSync(dir).isDirectory()) throw Object.assign(new Error("not a directory"), { code: "ENOTDIR" });
      names = (await Array.fromAsync(new Bun.Glob("*").scan({ cwd: dir, onlyFiles: true }))).sort();
    } catch (err) {
      throw new ConfigError(
        `cannot read ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
        "plugins_dir",
        dir,
        "a folder of plugin files (*.ts, *.js), relative to the config's folder",
      );
    }
    for (const name of names.filter((n) => PLUGIN_FILE.test(n))) {
      await this.code.get(`${dir}/${name}`).catch((err) => this.log.error((err as Error).message));
    }
  }
}

// --- helpers ---

/** What the plugins ask for, together (a Mirror alone needs no IN_MODIFY: one per write() call). */
function eventsOf(plugins: PlannedPlugin[]): EventName[] {
  const events = new Set<EventName>();
  for (const p of plugins) {
    const asked =
      p.spec.kind === "file"
        ? (p.definition?.events ?? DEFAULT_PLUGIN_EVENTS)
        : BUILTINS.find((b) => b.name === p.spec.kind)!.events(p.spec.options);
    for (const e of asked) if (e !== "IN_Q_OVERFLOW" && e !== "IN_IGNORED") events.add(e);
  }
  return [...events].sort();
}

function watchOf(w: ValidWatch, root: string, events: EventName[], plugins: PlannedPlugin[]): PluginWatch {
  const request: WatchRequest = {
    root,
    recursive: w.rec,
    autoAdd: w.autoAdd,
    events,
    filter: w.exclude.length ? makeFilter({ exclude: w.exclude }) : NO_FILTER,
    ...(w.poll === undefined ? {} : { poll: w.poll }),
  };
  const key = JSON.stringify([root, w.rec, w.autoAdd, w.excludeText, w.poll ?? null, events]);
  return { key, root, request, plugins };
}
