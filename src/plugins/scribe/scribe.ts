// Scribe: iObserver's change log. One line per event, in the watch's order, written as
// the event arrives (buffered briefly by its LogWriter); a rename is one line, even when
// its halves are in two watches of the daemon; the watch's start and end, and events lost
// to an overflow, are lines too (iObserver dropped them). The entries a rescan lists
// after an overflow are not logged as created: they are what was there.

import { resolve } from "node:path";
import { rejectUnknownKeys } from "../../config/keys.ts";
import { ConfigError } from "../../errors.ts";
import { parseEventNames, type EventName, type FsEvent } from "../../events/index.ts";
import type { Builtin, BuiltinHost } from "../builtins.ts";
import type { AttachedPlugin } from "../plugin.ts";
import { eventLine, moveLine, noteLine, type ScribeFormat } from "./format.ts";
import { LogWriters, type LogWriter } from "./log-writer.ts";

export interface ScribeOptions {
  /** "-" for stdout, or a file (relative to the config's folder) appended to. */
  log: string;
  /** "text" (iObserver's lines, the default) or "json" (one object per line). */
  format?: ScribeFormat;
  /** Events to log, as names or groups ("all", "close", …); default: every change but IN_MODIFY. */
  events?: string[];
}

/** A change log on a watch: new Scribe({ log: "/var/log/data.log" }). */
export class Scribe {
  constructor(readonly options: ScribeOptions) {}
}

/** What a change log people can read shows by default: IN_MODIFY is one line per write() call. */
const DEFAULT_EVENTS: EventName[] = [
  "IN_CREATE",
  "IN_ATTRIB",
  "IN_CLOSE_WRITE",
  "IN_MOVED_FROM",
  "IN_MOVED_TO",
  "IN_DELETE",
];

interface Valid {
  log: string;
  format: ScribeFormat;
  events: EventName[];
}

export const SCRIBE: Builtin = {
  name: "scribe",
  cls: Scribe,
  validate(options, field) {
    const hint = 'e.g. new Scribe({ log: "/var/log/data.log" }) or new Scribe({ log: "-", format: "json" })';
    if (typeof options !== "object" || options === null)
      throw new ConfigError("must have options", field, options, hint);
    rejectUnknownKeys(options, ["log", "format", "events"], field);
    const o = options as ScribeOptions;
    if (typeof o.log !== "string" || o.log === "")
      throw new ConfigError('must be "-" (stdout) or a file', `${field}.log`, o.log, hint);
    const format = o.format ?? "text";
    if (format !== "text" && format !== "json")
      throw new ConfigError('must be "text" or "json"', `${field}.format`, o.format, hint);
    const events = o.events === undefined ? DEFAULT_EVENTS : parseEventNames(o.events, `${field}.events`);
    return { kind: "scribe", label: "scribe", options: { log: o.log, format, events } satisfies Valid };
  },
  events: (options) => (options as Valid).events,
  attach: (options, host) => new ScribePlugin(options as Valid, host),
};

class ScribePlugin implements AttachedPlugin {
  readonly label = "scribe";
  private o: Valid;
  /** o.events as a set, made once per options (WatchPlugins asks for it on every event). */
  private wanted: ReadonlySet<EventName>;
  private writer: LogWriter;
  private rescanning = false;
  private ended = false;
  /** The time of the event being logged: one Date set per event, not one made (lines do not keep it). */
  private readonly now = new Date();

  constructor(
    options: Valid,
    private readonly host: BuiltinHost,
  ) {
    this.o = options;
    this.wanted = new Set(options.events);
    this.writer = this.writers().take(this.target());
  }

  get events(): ReadonlySet<EventName> {
    return this.wanted;
  }

  init(): void {
    this.writer.write(noteLine("started", this.host.root, new Date(), this.o.format));
  }

  event(ev: FsEvent): void {
    if (this.ended) return;
    const now = this.now;
    now.setTime(Date.now());
    const { format } = this.o;
    switch (ev.kind) {
      case "overflow":
        this.rescanning = true;
        return this.writer.write(noteLine("lost", this.host.root, now, format));
      case "rescanned":
        this.rescanning = false;
        return this.writer.write(noteLine("rescanned", this.host.root, now, format));
      case "move": {
        const [from, to] = ev.to !== undefined ? [ev.path, ev.to] : [ev.from!, ev.path];
        if (this.writer.firstHalf(from, to)) this.writer.write(moveLine(from, to, ev, now, format));
        return;
      }
    }
    if (ev.synthetic && this.rescanning) return;
    const line = eventLine(ev, now, format);
    if (line !== undefined) this.writer.write(line);
  }

  reconfig(options: unknown): void {
    const next = options as Valid;
    const target = this.target(next);
    if (target !== this.writer.target) {
      this.writers().release(this.writer);
      this.writer = this.writers().take(target);
    }
    this.o = next;
    this.wanted = new Set(next.events);
  }

  dead(): void {
    if (this.ended) return;
    this.ended = true;
    this.writer.write(noteLine("stopped", this.host.root, new Date(), this.o.format));
    this.writer.flush();
    this.writers().release(this.writer);
  }

  async idle(): Promise<void> {}

  reopen(): void {
    this.writer.reopen();
  }

  // --- internal ---

  private target(o: Valid = this.o): string {
    return o.log === "-" ? "-" : resolve(this.host.configDir, o.log);
  }

  private writers(): LogWriters {
    let w = this.host.shared.get("scribe.writers") as LogWriters | undefined;
    if (!w) this.host.shared.set("scribe.writers", (w = new LogWriters(this.host.clock)));
    return w;
  }
}
