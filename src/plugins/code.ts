// PluginCode: the user plugin files a daemon has loaded, by absolute path, and who uses
// each. A file that changes is loaded again and its users switch to the new code; one that
// fails to load leaves the old code running and says why (as a compiler would); one that
// is removed tells its users, which end (dead). Names in plugins_dir are files there.

import { existsSync } from "node:fs";
import { ConfigError, HookError } from "../errors.ts";
import { EVENT_NAMES } from "../events/index.ts";
import { loadModule } from "../hooks/load.ts";
import { log } from "../log.ts";
import type { PluginDefinition } from "./plugin.ts";

/** Files in plugins_dir that are plugins: *.ts and *.js whose name does not start with "_" or ".". */
export const PLUGIN_FILE = /^[^_.][^/]*\.(ts|js)$/;

export interface CodeUser {
  reloaded(definition: PluginDefinition): void;
  removed(): void;
}

export class PluginCode {
  private readonly loaded = new Map<string, PluginDefinition>();
  private readonly everLoaded = new Set<string>();
  private readonly users = new Map<string, Set<CodeUser>>();
  private readonly log = log.withTag("plugins");

  /** The file of a plugin given by name: plugins_dir/NAME.ts, else .js. */
  static byName(name: string, dir: string | undefined, field: string): string {
    if (dir === undefined)
      throw new ConfigError(
        `names plugin "${name}", but the config has no plugins_dir`,
        field,
        name,
        'add plugins_dir: "./plugins" to the Pyinotifyd, or give path: instead',
      );
    for (const ext of [".ts", ".js"]) if (existsSync(`${dir}/${name}${ext}`)) return `${dir}/${name}${ext}`;
    throw new ConfigError(
      `no plugin "${name}" in ${dir} (${name}.ts or ${name}.js)`,
      field,
      name,
      "check the name, or the plugins_dir",
    );
  }

  /** The definition in `file`, loaded now if it was not (a failure throws its HookError). */
  async get(file: string): Promise<PluginDefinition> {
    return this.loaded.get(file) ?? (await this.load(file));
  }

  /** `user` runs the code in `file`; the returned function ends that. */
  use(file: string, user: CodeUser): () => void {
    const set = this.users.get(file) ?? new Set();
    set.add(user);
    this.users.set(file, set);
    return () => set.delete(user);
  }

  /** Files someone uses now. */
  files(): string[] {
    return [...this.users].filter(([, set]) => set.size > 0).map(([f]) => f);
  }

  /** `file` was saved, created or removed: load it again, or tell its users it is gone. */
  async changed(file: string): Promise<void> {
    if (!existsSync(file)) {
      if (!this.loaded.delete(file)) return;
      const users = [...(this.users.get(file) ?? [])];
      this.log.warn(`plugin file ${file} was removed${users.length ? `: ${users.length} plugin(s) end` : ""}`);
      for (const u of users) u.removed();
      return;
    }
    let definition: PluginDefinition;
    try {
      definition = await this.load(file);
    } catch (err) {
      this.log.error(
        `${(err as Error).message}${this.users.get(file)?.size ? "; the version already running stays" : ""}`,
      );
      return;
    }
    const users = [...(this.users.get(file) ?? [])];
    this.log.info(`plugin file ${file} loaded${users.length ? `: ${users.length} plugin(s) use the new code` : ""}`);
    for (const u of users) u.reloaded(definition);
  }

  // --- internal ---

  private async load(file: string): Promise<PluginDefinition> {
    const fresh = this.everLoaded.has(file);
    this.everLoaded.add(file);
    const mod = await loadModule(file, "plugin file", fresh);
    const definition = checkDefinition(mod.default ?? mod.plugin, file);
    this.loaded.set(file, definition);
    return definition;
  }
}

/** What a plugin file exports, checked: the same one-line errors as a config's. */
function checkDefinition(value: unknown, file: string): PluginDefinition {
  const hint =
    'export default definePlugin({ name: "notify", event(ev, ctx) { … } }) — import { definePlugin } from "seedwatch"';
  if (typeof value !== "object" || value === null)
    throw new HookError(`plugin file ${file} exports no plugin (a default export from definePlugin)`, hint);
  const d = value as Record<string, unknown>;
  const fns = ["init", "event", "reconfig", "dead"];
  for (const k of fns)
    if (d[k] !== undefined && typeof d[k] !== "function")
      throw new HookError(`plugin file ${file}: ${k} must be a function`, hint);
  if (!fns.some((k) => typeof d[k] === "function"))
    throw new HookError(`plugin file ${file}: the plugin has none of init, event, reconfig, dead`, hint);
  if (d.name !== undefined && typeof d.name !== "string")
    throw new HookError(`plugin file ${file}: name must be a string`, hint);
  if (d.events !== undefined) {
    const bad = Array.isArray(d.events)
      ? d.events.find((e) => !(EVENT_NAMES as readonly unknown[]).includes(e))
      : d.events;
    if (bad !== undefined || !Array.isArray(d.events))
      throw new HookError(
        `plugin file ${file}: events must be a list of event names (${JSON.stringify(bad)} is not one)`,
        'e.g. events: ["IN_CLOSE_WRITE", "IN_MOVED_TO"]',
      );
  }
  return value as PluginDefinition;
}
