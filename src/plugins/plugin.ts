// What a plugin is, in two views. For the daemon, an AttachedPlugin: one plugin on one
// watched root, fed in order and told of its watch's life (the one extension point; the
// built-in Scribe and Mirror implement it directly, user files through a lane; a fake is
// in test/fakes/plugin.ts). For users, a PluginDefinition: what a plugin file exports with
// definePlugin(), and the plain event and context its functions get.

import { CHANGE_EVENTS, type EventName, type EventObject, type FsEvent } from "../events/index.ts";

/** One plugin on one watched root. Calls only queue work: none of them waits for it. */
export interface AttachedPlugin {
  /** For the log: "scribe", "mirror", a user plugin's name. */
  readonly label: string;
  /** The events it wants; overflow, rescanned and gone always reach it. */
  readonly events: ReadonlySet<EventName>;
  /** The watch is in place. */
  init(): void;
  /** An event of its watch, in the watch's order. */
  event(ev: FsEvent): void;
  /** Its options changed in a config reload. */
  reconfig(options: unknown): void;
  /** The root is gone, it was removed from the config, or the daemon stops: nothing more comes. */
  dead(why: string): void;
  /** Settles once everything it was given is done (after dead: it let go of what it held). */
  idle(): Promise<void>;
  /** SIGHUP or SIGUSR1: reopen the files it writes to (logrotate moved them). */
  reopen?(): void;
}

/** What a plugin's functions get for an event: what `seedwatch watch --json` prints, plus `names` (= `events`). */
export interface PluginEvent extends EventObject {
  names: FsEvent["names"];
}

export interface PluginLog {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

export interface PluginContext<O = Record<string, unknown>> {
  /** The plugin's name: its definition's, else its file's. */
  readonly name: string;
  /** Its options in the config; a reload that changes them calls reconfig first. */
  options: O;
  /** Lines tagged with the plugin's name. */
  readonly log: PluginLog;
  /** The watched root this instance serves. */
  readonly path: string;
  /** State that survives reloads of the plugin's code and of the config (iObserver's iCache). */
  readonly cache: Map<string, unknown>;
}

export interface PluginDefinition<O = Record<string, unknown>> {
  name?: string;
  /** Events it gets (overflow and rescanned always); default: every change, as CHANGE_EVENTS. */
  events?: EventName[];
  /** The watch is in place (also after its file was reloaded: module state starts afresh). */
  init?(ctx: PluginContext<O>): unknown;
  event?(ev: PluginEvent, ctx: PluginContext<O>): unknown;
  /** A config reload changed its options (ctx.options is already the new ones). */
  reconfig?(options: O, ctx: PluginContext<O>): unknown;
  /** The root is gone, the plugin left the config or its file was removed, or the daemon stops. */
  dead?(ctx: PluginContext<O>, why: string): unknown;
}

/** Returns its argument: a typed way to write a plugin file. */
export function definePlugin<O = Record<string, unknown>>(definition: PluginDefinition<O>): PluginDefinition<O> {
  return definition;
}

/** The events a plugin gets unless it asks otherwise. */
export const DEFAULT_PLUGIN_EVENTS: readonly EventName[] = CHANGE_EVENTS;

/** Events that say something about the watch rather than a path: every plugin gets them. */
export function isWatchEvent(ev: FsEvent): boolean {
  return ev.kind === "overflow" || ev.kind === "rescanned" || ev.kind === "gone";
}
