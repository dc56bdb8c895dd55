// The run config: its classes, with pyinotifyd's names (snake_case kept, so a pyinotifyd config
// translates line by line): Pyinotifyd, Watch, EventMap. Constructors keep what they
// were given; validateConfig() checks it all and names the field path of any mistake.

import { readFileSync } from "node:fs";
import { rejectUnknownKeys } from "../config/keys.ts";
import type {
  ConfigSection,
  ConfigSections,
  ValidWatchSections,
  WatchSection,
  WatchSections,
} from "../config/user-api.ts";
import { ConfigError } from "../errors.ts";
import { EVENT_NAMES, parseEventNames, type EventName } from "../events/index.ts";
import { pythonPattern } from "./python-regex.ts";
import { Cancel, TaskScheduler, type Job, type PendingPolicy } from "./scheduler.ts";

export type Handler = TaskScheduler | Cancel;
export type EventMapValue = TaskScheduler | Cancel | Job | null | undefined | (TaskScheduler | Cancel | Job)[];

export class EventMap {
  readonly entries: Record<string, EventMapValue>;
  constructor(options: { default_sched?: TaskScheduler | Job; map?: Record<string, EventMapValue> } = {}) {
    const all =
      options.default_sched === undefined ? {} : Object.fromEntries(EVENT_NAMES.map((n) => [n, options.default_sched]));
    this.entries = { ...all, ...options.map };
  }
}

/** A Watch's options, plus the keys that layers above add (config/user-api.ts's WatchSections: plugins, …). */
export interface WatchOptions extends Partial<WatchSections> {
  path: string | string[];
  event_map?: Record<string, EventMapValue> | EventMap;
  default_sched?: TaskScheduler | Job;
  rec?: boolean;
  auto_add?: boolean;
  /** Regular expressions matched at the start of the full path, or a file of them. */
  exclude_filter?: (string | RegExp)[] | string;
  logname?: string;
  /** List the tree every this many milliseconds instead of inotify (NFS, SMB, FUSE sources). */
  poll?: number;
}

export class Watch {
  constructor(readonly options: WatchOptions) {}
}

/** Pyinotifyd's options, plus the keys that layers above add (config/user-api.ts's ConfigSections: rtorrent, …). */
export interface PyinotifydOptions extends Partial<ConfigSections> {
  watches?: Watch[];
  /** Seconds running tasks get at shutdown. Default 30. */
  shutdown_timeout?: number;
  /** Tasks still in their delay at shutdown: "run" them now (default) or "drop" them. */
  shutdown_pending?: PendingPolicy;
  logname?: string;
}

export class Pyinotifyd {
  readonly options: PyinotifydOptions;
  constructor(options: PyinotifydOptions = {}) {
    this.options = { ...options, watches: [...(options.watches ?? [])] };
  }

  /** pyinotifyd's add_watch: the Watch options, or { watch }. */
  add_watch(options: WatchOptions | { watch: Watch }): void {
    this.options.watches!.push("watch" in options ? options.watch : new Watch(options));
  }
}

// --- validation ---

/** A watch checked; the keys layers above add are under their keys, as their validate() returned them. */
export interface ValidWatch extends Partial<ValidWatchSections> {
  paths: string[];
  map: Map<EventName, Handler[]>;
  rec: boolean;
  autoAdd: boolean;
  exclude: RegExp[];
  /** The exclude patterns as written. */
  excludeText: string[];
  /** Poll interval in ms; undefined: inotify. */
  poll: number | undefined;
  field: string;
}

/** A config checked; the sections layers above add are under their keys, as their validate() returned them. */
export interface ValidConfig extends Partial<ConfigSections> {
  watches: ValidWatch[];
  shutdownTimeoutMs: number;
  pending: PendingPolicy;
  logname: string;
  schedulers: TaskScheduler[];
}

const PYINOTIFYD_KEYS = ["watches", "shutdown_timeout", "shutdown_pending", "logname"];
const WATCH_KEYS = ["path", "event_map", "default_sched", "rec", "auto_add", "exclude_filter", "logname", "poll"];
/** The shortest poll interval: listing a tree more often than this only burns CPU. */
const MIN_POLL_MS = 10;

/**
 * Pure: the config as loaded → what the daemon runs, or a ConfigError naming the field
 * path. `sections` and `watchSections`: the keys layers above add to Pyinotifyd and to
 * Watch (config/user-api.ts); each validates its own.
 */
export function validateConfig(
  value: unknown,
  sections: readonly ConfigSection[] = [],
  watchSections: readonly WatchSection[] = [],
): ValidConfig {
  if (!(value instanceof Pyinotifyd)) {
    throw new ConfigError(
      "the config's default export (or `pyinotifyd`) must be a Pyinotifyd",
      "config",
      value,
      'export default new Pyinotifyd({ watches: [...] }) — import { Pyinotifyd } from "seedwatch"',
    );
  }
  const o = value.options;
  rejectUnknownKeys(o, [...PYINOTIFYD_KEYS, ...sections.map((s) => s.key)], "Pyinotifyd");
  const schedulers = new Set<TaskScheduler>();
  const watches = (o.watches ?? []).map((w, i) => validateWatch(w, `watches[${i}]`, schedulers, watchSections));
  const timeout = o.shutdown_timeout ?? 30;
  if (typeof timeout !== "number" || !(timeout >= 0))
    throw new ConfigError(
      "must be a number of seconds",
      "shutdown_timeout",
      timeout,
      "e.g. shutdown_timeout: 30 (more than your largest delay)",
    );
  const pending = o.shutdown_pending ?? "run";
  if (pending !== "run" && pending !== "drop")
    throw new ConfigError(
      'must be "run" or "drop"',
      "shutdown_pending",
      pending,
      '"run": tasks still in their delay run at shutdown; "drop": they are dropped',
    );
  const added: Partial<ConfigSections> = {};
  for (const section of sections) {
    const given = (o as Record<string, unknown>)[section.key];
    if (given !== undefined) (added as Record<string, unknown>)[section.key] = section.validate(given, section.key);
  }
  return {
    watches,
    shutdownTimeoutMs: timeout * 1000,
    pending,
    logname: o.logname ?? "daemon",
    schedulers: [...schedulers],
    ...added,
  };
}

function validateWatch(
  w: unknown,
  field: string,
  schedulers: Set<TaskScheduler>,
  watchSections: readonly WatchSection[],
): ValidWatch {
  if (!(w instanceof Watch))
    throw new ConfigError("must be a Watch", field, w, "new Watch({ path, event_map, rec, auto_add })");
  const o = w.options;
  rejectUnknownKeys(o, [...WATCH_KEYS, ...watchSections.map((s) => s.key)], field);
  const paths = typeof o.path === "string" ? [o.path] : o.path;
  if (!Array.isArray(paths) || paths.length === 0 || paths.some((p) => typeof p !== "string"))
    throw new ConfigError(
      "must be a path or a list of paths",
      `${field}.path`,
      o.path,
      'e.g. path: "/srv/incoming" or path: ["/a", "/b/*"]',
    );
  for (const [k, v] of [
    ["rec", o.rec],
    ["auto_add", o.auto_add],
  ] as const)
    if (v !== undefined && typeof v !== "boolean")
      throw new ConfigError("must be true or false", `${field}.${k}`, v, `${k}: true or ${k}: false`);
  const added: Partial<ValidWatchSections> = {};
  let acts = false;
  for (const section of watchSections) {
    const given = (o as unknown as Record<string, unknown>)[section.key];
    if (given === undefined) continue;
    const valid = section.validate(given, `${field}.${section.key}`);
    (added as Record<string, unknown>)[section.key] = valid;
    acts ||= section.acts(valid);
  }
  const raw =
    o.event_map instanceof EventMap
      ? o.event_map.entries
      : (o.event_map ?? (o.default_sched ? new EventMap({ default_sched: o.default_sched }).entries : undefined));
  if (raw === undefined && acts) return watchOf(o, field, new Map(), added);
  if (!raw || typeof raw !== "object")
    throw new ConfigError(
      `is missing: which events go to which scheduler` +
        `${watchSections.length ? ` (or ${watchSections.map((s) => s.key).join(", ")})` : ""}`,
      `${field}.event_map`,
      raw,
      "for example { IN_CLOSE_WRITE: sched, IN_DELETE: new Cancel(sched) }",
    );
  const map = new Map<EventName, Handler[]>();
  for (const [name, value] of Object.entries(raw)) {
    const at = `${field}.event_map.${name}`;
    // parseEventNames throws with a suggestion
    if (!/^IN_[A-Z_]+$/.test(name) || !(EVENT_NAMES as readonly string[]).includes(name)) parseEventNames(name, at);
    const handlers = (Array.isArray(value) ? value : value === null || value === undefined ? [] : [value]).map((h, i) =>
      handler(h, Array.isArray(value) ? `${at}[${i}]` : at),
    );
    for (const h of handlers) schedulers.add(h instanceof Cancel ? h.scheduler : h);
    if (handlers.length) map.set(name as EventName, handlers);
  }
  return watchOf(o, field, map, added);
}

function watchOf(
  o: WatchOptions,
  field: string,
  map: Map<EventName, Handler[]>,
  added: Partial<ValidWatchSections>,
): ValidWatch {
  const paths = typeof o.path === "string" ? [o.path] : o.path;
  const exclude = excludes(o.exclude_filter, `${field}.exclude_filter`);
  const excludeText = Array.isArray(o.exclude_filter) ? o.exclude_filter.map(String) : exclude.map((r) => r.source);
  if (o.poll !== undefined && !(typeof o.poll === "number" && Number.isInteger(o.poll) && o.poll >= MIN_POLL_MS))
    throw new ConfigError(
      `must be a whole number of milliseconds, at least ${MIN_POLL_MS}`,
      `${field}.poll`,
      o.poll,
      "e.g. poll: 1000 (NFS servers cache attributes for seconds anyway)",
    );
  const poll = o.poll;
  return { paths, map, rec: o.rec ?? false, autoAdd: o.auto_add ?? false, exclude, excludeText, poll, field, ...added };
}

function handler(h: unknown, field: string): Handler {
  if (h instanceof TaskScheduler || h instanceof Cancel) return h;
  if (typeof h === "function") return new TaskScheduler({ job: h as Job }); // pyinotifyd wraps a bare coroutine
  throw new ConfigError(
    "must be a scheduler, new Cancel(scheduler), a list of them, a function or null",
    field,
    h,
    "e.g. IN_CLOSE_WRITE: sched, IN_DELETE: new Cancel(sched)",
  );
}

function excludes(spec: WatchOptions["exclude_filter"], field: string): RegExp[] {
  if (spec === undefined) return [];
  let list: (string | RegExp)[];
  if (typeof spec === "string") {
    try {
      list = readFileSync(spec, "utf8")
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith("#"));
    } catch (err) {
      throw new ConfigError(
        `cannot read the filter file: ${(err as Error).message}`,
        field,
        spec,
        "a list of regexes, or a file with one per line",
      );
    }
  } else if (Array.isArray(spec)) list = spec;
  else
    throw new ConfigError(
      "must be a list of regular expressions or a file of them",
      field,
      spec,
      'e.g. exclude_filter: ["^/srv/in/tmp$"]',
    );
  return list.map((p, i) => {
    if (p instanceof RegExp) return p;
    try {
      return new RegExp(`^(?:${pythonPattern(p)})`); // re.match: anchored at the start
    } catch (err) {
      throw new ConfigError(
        `invalid regular expression: ${(err as Error).message}`,
        `${field}[${i}]`,
        p,
        "patterns match from the start of the full path (Python's re.match)",
      );
    }
  });
}
