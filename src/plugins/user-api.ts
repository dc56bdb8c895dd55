// What a run config and plugin files get from the plugins layer: Plugin and the built-in
// plugins' classes, definePlugin and the types plugin files use, a Watch's `plugins` key
// and the config's `plugins_dir`. Composed with the other layers' parts in
// commands/user-api.ts; the rules layer takes the keys without importing this one.

import type { ConfigSection, UserApiPart, WatchSection } from "../config/user-api.ts";
import { describePlugins, Plugin, validatePlugins, validatePluginsDir, type PluginSpec } from "./config.ts";
import { definePlugin } from "./plugin.ts";
import { Mirror } from "./mirror/options.ts";
import { Scribe } from "./scribe/scribe.ts";

declare module "../config/user-api.ts" {
  interface ConfigSections {
    plugins_dir: string;
  }
  interface WatchSections {
    plugins: (Plugin | Scribe | Mirror)[];
  }
  interface ValidWatchSections {
    plugins: PluginSpec[];
  }
}

// The types the declarations name, from the code (for the check against seedwatch.d.ts).
export type { PluginOptions } from "./config.ts";
export type { ScribeOptions } from "./scribe/scribe.ts";
export type { MirrorOptions } from "./mirror/options.ts";
export type { PluginContext, PluginDefinition, PluginEvent, PluginLog } from "./plugin.ts";

export const PLUGINS_SECTION: WatchSection<"plugins"> = {
  key: "plugins",
  dts: `    /** Plugins that get this watch's events, each in order and in its own queue. */
    plugins?: (Plugin | Scribe | Mirror)[];`,
  validate: validatePlugins,
  acts: (specs) => specs.length > 0,
  describe: describePlugins,
};

export const PLUGINS_DIR_SECTION: ConfigSection<"plugins_dir"> = {
  key: "plugins_dir",
  dts: `    /** Every *.ts / *.js here, not starting with "_", is a plugin by its file name: new Plugin({ name }). */
    plugins_dir?: string;`,
  validate: validatePluginsDir,
  describe: (dir) => `plugins_dir: ${dir} (its files are loaded again when saved)`,
};

export const PLUGINS_API = {
  exports: {
    Plugin,
    definePlugin,
    Scribe,
    Mirror,
  },
  dts: `  // --- plugins: new Watch({ …, plugins: [ … ] }) ---

  /** An event as \`seedwatch watch --json\` prints it, plus \`names\` (the same as \`events\`). */
  export interface PluginEvent {
    time: string;
    /** create, write, modify, attrib, delete, move, overflow, rescanned, gone, … */
    kind: string;
    path: string;
    /** Raw names, e.g. ["IN_CREATE", "IN_ISDIR"]. */
    events: string[];
    names: string[];
    dir: boolean;
    root: string;
    /** The IN_MOVED_TO half of a move: where it came from. */
    from?: string;
    /** The IN_MOVED_FROM half of a move: where it went. */
    to?: string;
    /** Found by a scan, not reported by the kernel. */
    synthetic?: true;
  }
  export interface PluginLog {
    debug(...args: unknown[]): void;
    info(...args: unknown[]): void;
    warn(...args: unknown[]): void;
    error(...args: unknown[]): void;
  }
  export interface PluginContext<O = Record<string, unknown>> {
    readonly name: string;
    /** The options in the config; a reload that changes them calls reconfig. */
    options: O;
    /** Lines tagged with the plugin's name. */
    readonly log: PluginLog;
    /** The watched root this instance serves. */
    readonly path: string;
    /** State that survives reloads of the plugin's code and of the config. */
    readonly cache: Map<string, unknown>;
  }
  export interface PluginDefinition<O = Record<string, unknown>> {
    name?: string;
    /** Events it gets (overflow and rescanned always); default: every change. */
    events?: EventName[];
    /** The watch is in place (also after the file was reloaded: module state starts afresh). */
    init?(ctx: PluginContext<O>): unknown;
    event?(ev: PluginEvent, ctx: PluginContext<O>): unknown;
    reconfig?(options: O, ctx: PluginContext<O>): unknown;
    /** The root is gone, the plugin left the config or its file was removed, or the daemon stops. */
    dead?(ctx: PluginContext<O>, why: string): unknown;
  }
  export function definePlugin<O = Record<string, unknown>>(definition: PluginDefinition<O>): PluginDefinition<O>;
  export interface PluginOptions {
    /** A plugin file, relative to the config's folder. */
    path?: string;
    /** A plugin in plugins_dir, by its file name without .ts/.js. */
    name?: string;
    /** What the plugin gets as ctx.options. */
    options?: Record<string, unknown>;
    /** Seconds a call may take before it is reported as hung (default: --hook-timeout). */
    timeout?: number;
  }
  export class Plugin {
    constructor(options: PluginOptions);
  }
  export interface ScribeOptions {
    /** "-" for stdout, or a file (relative to the config's folder) appended to; reopened on SIGHUP and SIGUSR1. */
    log: string;
    /** "text" (iObserver's lines, the default) or "json" (one object per line). */
    format?: "text" | "json";
    /** Events to log, as names or groups ("all", "close", …); default: every change but IN_MODIFY. */
    events?: string[];
  }
  /** A change log: one line per event, a rename as one line, the watch's start and end, lost events. */
  export class Scribe {
    constructor(options: ScribeOptions);
  }
  export interface MirrorOptions {
    /**
     * A folder (any local filesystem: a second disk, an NFS or SSHFS mount), rsync://HOST[:PORT]/MODULE/PATH,
     * or HOST:PATH.
     */
    destination: string;
    /** Remove from the destination what the source no longer has (default true). */
    delete?: boolean;
    /** rsync-style patterns (relative to the watched folder) left out of the mirror; RegExps for local destinations. */
    exclude?: (string | RegExp)[];
    /** Also mirror owner and group; only when running as root. */
    owner?: boolean;
    /** For HOST:PATH: the remote shell rsync runs (rsync -e), default ssh. */
    rsh?: string;
  }
  /**
   * A live replica: compared at start (only what differs is copied), then each change as it
   * happens; renames are renames; the source's root going away never empties it.
   */
  export class Mirror {
    constructor(options: MirrorOptions);
  }`,
  sections: [PLUGINS_DIR_SECTION],
  watchSections: [PLUGINS_SECTION],
} satisfies UserApiPart;
