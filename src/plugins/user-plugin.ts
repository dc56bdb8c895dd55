// UserPlugin: a user's plugin file attached to one watched root. Every call goes through
// its Lane (in order, one at a time, failures and hangs handled there), and uses the code
// loaded last: queued events go to new code once its file was saved. A reload calls init
// again, since the new module's state starts afresh; ctx.cache is what carries over.

import type { Clock } from "../clock.ts";
import { eventObject, showPath, type EventName, type FsEvent } from "../events/index.ts";
import { log } from "../log.ts";
import type { CodeUser } from "./code.ts";
import { Lane } from "./lane.ts";
import {
  DEFAULT_PLUGIN_EVENTS,
  type AttachedPlugin,
  type PluginContext,
  type PluginDefinition,
  type PluginEvent,
} from "./plugin.ts";

export interface UserPluginSetup {
  /** The file's name without extension, when the definition has none. */
  label: string;
  definition: PluginDefinition;
  options: Record<string, unknown>;
  root: string;
  cache: Map<string, unknown>;
  clock: Clock;
  timeoutMs: number;
}

export class UserPlugin implements AttachedPlugin, CodeUser {
  readonly label: string;
  private definition: PluginDefinition;
  private wanted: Set<EventName>;
  private readonly ctx: PluginContext;
  private readonly lane: Lane;
  private ended = false;
  /** Set by whoever attached it: called once it ended (dead queued), to stop using its file. */
  onEnded: () => void = () => {};

  constructor(s: UserPluginSetup) {
    this.definition = s.definition;
    this.label = s.definition.name ?? s.label;
    this.wanted = new Set(s.definition.events ?? DEFAULT_PLUGIN_EVENTS);
    const tagged = log.withTag(this.label);
    this.ctx = { name: this.label, options: s.options, log: tagged, path: s.root, cache: s.cache };
    this.lane = new Lane({ name: this.label, timeoutMs: s.timeoutMs, clock: s.clock, log: log.withTag("plugins") });
  }

  get events(): ReadonlySet<EventName> {
    return this.wanted;
  }

  init(): void {
    this.call("init", undefined, (d) => d.init?.(this.ctx));
  }

  event(ev: FsEvent): void {
    if (this.ended || !this.definition.event) return;
    const plain: PluginEvent = { ...eventObject(ev, new Date()), names: [...ev.names] };
    this.call("event", `${ev.kind} ${showPath(ev.path)}`, (d) => d.event?.(plain, this.ctx));
  }

  reconfig(options: unknown): void {
    this.ctx.options = options as Record<string, unknown>;
    this.call("reconfig", undefined, (d) => d.reconfig?.(this.ctx.options, this.ctx));
  }

  dead(why: string): void {
    if (this.ended) return;
    this.call("dead", why, (d) => d.dead?.(this.ctx, why));
    this.lane.end();
    this.ended = true;
    this.onEnded();
  }

  idle(): Promise<void> {
    return this.lane.idle();
  }

  /** The daemon stops and will not wait longer: what is still queued is given up, and said so. */
  abandon(): void {
    this.lane.abandon();
  }

  reloaded(definition: PluginDefinition): void {
    if (this.ended) return;
    this.definition = definition;
    this.wanted = new Set(definition.events ?? DEFAULT_PLUGIN_EVENTS);
    this.lane.reset();
    this.init();
  }

  removed(): void {
    this.dead("its plugin file was removed");
  }

  // --- internal ---

  private call(what: string, subject: string | undefined, fn: (d: PluginDefinition) => unknown): void {
    if (this.ended) return;
    const name = what as keyof PluginDefinition;
    if (what !== "event" && typeof this.definition[name] !== "function") return;
    this.lane.push({ what, ...(subject === undefined ? {} : { subject }), fn: () => fn(this.definition) });
  }
}
