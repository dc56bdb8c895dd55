// What rtorrent hook files (seedwatch rtorrent --hooks FILE) and run configs get from the
// rtorrent layer: defineHooks and the hooks' types, and the run config's \`rtorrent:\` key
// (one daemon for both jobs). Composed with the other layers' parts in
// commands/user-api.ts.

import { rejectUnknownKeys } from "../config/keys.ts";
import type { ConfigSection, UserApiPart } from "../config/user-api.ts";
import { ConfigError } from "../errors.ts";
import type { Hooks, SessionTracker, TrackerOptions } from "./tracker.ts";

/** The run config's \`rtorrent:\` key: the index, started as \`seedwatch rtorrent SESSION PATHS\` would. */
export interface RtorrentSection {
  session: string;
  paths?: string[];
  remove?: boolean;
  hooks?: string[];
  db?: string;
  trash?: string;
  max_delete?: number;
}

declare module "../config/user-api.ts" {
  interface ConfigSections {
    rtorrent: RtorrentSection;
  }
}

// The types the declarations name, from the code (for the check against seedwatch.d.ts).
export type { Database } from "bun:sqlite";
export type { Hooks, RmTuple } from "./tracker.ts";
/** The command line as parsed, as hooks get it. */
export type Args = TrackerOptions["args"];
/** rtorrent_event's queues. */
export type Queues = SessionTracker["queues"];
export type QueueFunction = SessionTracker["qfuncs"][string];

const SECTION_KEYS = ["session", "paths", "remove", "hooks", "db", "trash", "max_delete"];

export const RTORRENT_SECTION: ConfigSection<"rtorrent"> = {
  key: "rtorrent",
  dts: `    /** Run the rtorrent index in the same daemon. */
    rtorrent?: {
      session: string;
      paths?: string[];
      remove?: boolean;
      hooks?: string[];
      db?: string;
      trash?: string;
      max_delete?: number;
    };`,
  validate(value, field) {
    if (typeof value !== "object" || value === null || Array.isArray(value))
      throw new ConfigError("must be an object", field, value, EXAMPLE);
    rejectUnknownKeys(value, SECTION_KEYS, field);
    const r = value as RtorrentSection;
    if (typeof r.session !== "string")
      throw new ConfigError("must be the session directory", `${field}.session`, r.session, EXAMPLE);
    return r;
  },
  describe: (r) => `rtorrent: index of ${r.session}`,
};

export const RTORRENT_API = {
  exports: {
    /** Returns its argument: a typed way to write a hooks file. */
    defineHooks: <T extends Hooks>(hooks: T): T => hooks,
  },
  dts: `  /** The index: a bun:sqlite Database (tables torrent_data and session_files). */
  export interface Database {
    query<Row = Record<string, unknown>>(sql: string): {
      all(...params: unknown[]): Row[];
      get(...params: unknown[]): Row | null;
      run(...params: unknown[]): { changes: number };
    };
    run(sql: string, ...params: unknown[]): { changes: number };
    transaction<A extends unknown[], T>(fn: (...args: A) => T): (...args: A) => T;
  }

  /** The command line as parsed (camelCase keys: remove, noAction, paths, …). */
  export type Args = Record<string, unknown>;

  /** rtorrent_event's queues: "complete" plus any a pre_loop hook adds. */
  export type Queues = Record<string, string[]>;

  export interface RmTuple {
    name: string;
    tracker: string;
    hash: string;
    /** Files removed (with -n: that would have been); empty without -r. */
    rmfiles: string[];
    /** Every file of the torrent. */
    torfiles: string[];
    /** The session files' bytes as last indexed. */
    tor: Uint8Array | null;
    ltor: Uint8Array | null;
    rtor: Uint8Array | null;
  }

  export type QueueFunction = (db: Database, path: string, args: Args, queues: Queues) => unknown;

  export interface Hooks {
    /** Before a new torrent is indexed. \`file\` is its <HASH>.torrent in the session. */
    pre_add?(db: Database, file: string, args: Args): unknown;
    /** After it is indexed. */
    post_add?(db: Database, file: string, args: Args): unknown;
    /** Before an erased torrent leaves the index (its rows are still there). */
    pre_remove?(db: Database, file: string, args: Args): unknown;
    /** After it left the index, and after its files were removed (-r). */
    post_remove?(db: Database, file: string, args: Args, rm: RmTuple): unknown;
    /** Once per completion. \`path\` is <HASH>.complete (or .torrent); push it back onto queues.complete to retry. */
    complete?(db: Database, path: string, args: Args, queues: Queues): unknown;
    /** Once before watching: add queues, queue functions, or handlers keyed "<ext> <IN_NAME>". */
    pre_loop?(
      db: Database,
      watcher: unknown,
      args: Args,
      queues: Queues,
      qfuncs: Record<string, QueueFunction>,
      inotifyFuncs: Map<string, (path: string) => unknown>,
    ): unknown;
    /** On SIGINT, SIGTERM and normal exit. */
    post_loop?(db: Database, watcher: unknown, args: Args): unknown;
  }

  export function defineHooks<T extends Hooks>(hooks: T): T;`,
  sections: [RTORRENT_SECTION],
} satisfies UserApiPart;

// --- internal ---

const EXAMPLE = 'e.g. rtorrent: { session: "/home/me/.session", paths: ["/home/me/downloads"] }';
