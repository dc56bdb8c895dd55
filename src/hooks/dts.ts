// The text of seedwatch.d.ts, written by `seedwatch init`: types for hook files,
// self-contained (no @types/bun needed in the user's folder).

export const SEEDWATCH_DTS = `// Types for files that seedwatch loads: rtorrent hooks and run configs. Written by
// \`seedwatch init\`. In a hook file: import { defineHooks, type RmTuple } from "seedwatch";
// in a config: import { Pyinotifyd, Watch, ShellScheduler, … } from "seedwatch".

declare module "seedwatch" {
  /** The index: a bun:sqlite Database (tables torrent_data and session_files). */
  export interface Database {
    query<Row = Record<string, unknown>>(sql: string): {
      all(...params: unknown[]): Row[];
      get(...params: unknown[]): Row | null;
      run(...params: unknown[]): { changes: number };
    };
    run(sql: string, ...params: unknown[]): { changes: number };
    transaction<F extends (...args: never[]) => unknown>(fn: F): F;
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
    pre_loop?(db: Database, watcher: unknown, args: Args, queues: Queues, qfuncs: Record<string, QueueFunction>, inotifyFuncs: Map<string, (path: string) => unknown>): unknown;
    /** On SIGINT, SIGTERM and normal exit. */
    post_loop?(db: Database, watcher: unknown, args: Args): unknown;
  }

  export function defineHooks<T extends Hooks>(hooks: T): T;
  export const VERSION: string;
  /** The environment (process.env), typed without Node's or Bun's type packages. */
  export const env: Record<string, string | undefined>;

  // --- seedwatch run CONFIG.ts: pyinotifyd's classes, by their names ---

  export type EventName =
    | "IN_ACCESS" | "IN_MODIFY" | "IN_ATTRIB" | "IN_CLOSE_WRITE" | "IN_CLOSE_NOWRITE" | "IN_OPEN"
    | "IN_MOVED_FROM" | "IN_MOVED_TO" | "IN_CREATE" | "IN_DELETE" | "IN_DELETE_SELF" | "IN_MOVE_SELF"
    | "IN_UNMOUNT" | "IN_Q_OVERFLOW" | "IN_IGNORED";

  /** What a job gets: the event, with pyinotifyd's attribute names too. */
  export interface JobEvent {
    kind: string;
    path: string;
    pathname: string;
    /** The event's name, e.g. "IN_CLOSE_WRITE". */
    maskname: string;
    /** For IN_MOVED_TO within the watched trees: where it came from; else "". */
    src_pathname: string;
    names: string[];
    dir: boolean;
    root: string;
    from?: string;
    synthetic?: boolean;
  }

  export type Job = (event: JobEvent, task_id: string) => unknown;

  export interface TaskSchedulerOptions {
    job: Job;
    /** Default true. */
    files?: boolean;
    /** Default false. */
    dirs?: boolean;
    /** Seconds; a new event for the same path re-arms it. Default 0. */
    delay?: number;
    logname?: string;
    singlejob?: boolean;
    /** pyinotifyd's; ignored (closures see the config's names). */
    global_vars?: unknown;
  }
  export class TaskScheduler {
    constructor(options: TaskSchedulerOptions);
  }
  export class ShellScheduler extends TaskScheduler {
    /**
     * {maskname} {pathname} {src_pathname} {path} {name} … are substituted once and quoted; a list runs without a shell.
     * Each command runs in a process group of its own: \`timeout\` (seconds), or the shutdown timeout, ends it and all it started.
     */
    constructor(options: Omit<TaskSchedulerOptions, "job"> & { cmd: string | string[]; timeout?: number });
  }
  export interface FileManagerRuleOptions {
    action: "move" | "copy" | "delete";
    /** Matched from the start of the path; (?P<name>…) and (?<name>…) both work. */
    src_re: string | RegExp;
    /** \\g<name>, \\1, $<name> and $1 all work. */
    dst_re?: string;
    auto_create?: boolean;
    overwrite?: boolean;
    /** The name pyinotifyd's README uses for overwrite. */
    override?: boolean;
    dirmode?: number;
    filemode?: number;
    user?: string | number;
    group?: string | number;
    rec?: boolean;
  }
  export class FileManagerRule {
    constructor(options: FileManagerRuleOptions);
  }
  export class FileManagerScheduler extends TaskScheduler {
    constructor(options: Omit<TaskSchedulerOptions, "job" | "singlejob"> & { rules: FileManagerRule[] });
  }
  export class Cancel {
    constructor(scheduler: TaskScheduler);
  }
  export type EventMapValue = TaskScheduler | Cancel | Job | null | (TaskScheduler | Cancel | Job)[];
  export class EventMap {
    constructor(options?: { default_sched?: TaskScheduler | Job; map?: Partial<Record<EventName, EventMapValue>> });
  }
  export interface WatchOptions {
    /** A path, a list, or a glob. */
    path: string | string[];
    event_map?: Partial<Record<EventName, EventMapValue>> | EventMap;
    default_sched?: TaskScheduler | Job;
    rec?: boolean;
    auto_add?: boolean;
    /** Regexes matched from the start of the full path, or a file with one per line. */
    exclude_filter?: (string | RegExp)[] | string;
    logname?: string;
  }
  export class Watch {
    constructor(options: WatchOptions);
  }
  export interface PyinotifydOptions {
    watches?: Watch[];
    /** Seconds running tasks get at shutdown. Default 30. */
    shutdown_timeout?: number;
    /** Tasks still in their delay at shutdown: "run" (default) or "drop". */
    shutdown_pending?: "run" | "drop";
    logname?: string;
    /** Run the rtorrent index in the same daemon. */
    rtorrent?: { session: string; paths?: string[]; remove?: boolean; hooks?: string[]; db?: string; trash?: string; max_delete?: number };
  }
  export class Pyinotifyd {
    constructor(options?: PyinotifydOptions);
    add_watch(options: WatchOptions | { watch: Watch }): void;
  }
  export function setLoglevel(level: number, logname?: string): void;
  /** Also log to syslog (default /dev/log), from loglevel up (default INFO), optionally one logname only. */
  export function enableSyslog(options?: { loglevel?: number; address?: string; logname?: string }): void;
  export const DEBUG: number;
  export const INFO: number;
  export const WARNING: number;
  export const ERROR: number;
  export const CRITICAL: number;
}
`;

export const CONFIG_EXAMPLE = `// seedwatch run config.ts   (types: seedwatch.d.ts, written beside this file)
// Moves finished downloads into a library once they have been left alone for a minute.
// As written it watches nothing, so it runs anywhere: set INCOMING to the directory your
// downloads finish in, check with \`seedwatch run --check <this file>\`, then reload.
import { Cancel, FileManagerRule, FileManagerScheduler, Pyinotifyd, Watch } from "seedwatch";

/** Where finished downloads land, e.g. "/srv/incoming"; it must exist. "": watch nothing. */
const INCOMING: string = "";
/** Where they are moved to; made as needed. */
const LIBRARY: string = "/srv/library";

const files = new FileManagerScheduler({
  delay: 60,
  rules: [
    new FileManagerRule({ action: "move", src_re: \`^\${literal(INCOMING)}/(?P<path>.*\\\\.(mkv|flac))$\`, dst_re: \`\${LIBRARY}/\\\\g<path>\`, auto_create: true, filemode: 0o644, dirmode: 0o755 }),
  ],
});

export default new Pyinotifyd({
  shutdown_timeout: 70,
  watches: INCOMING === "" ? [] : [
    new Watch({
      path: INCOMING,
      rec: true,
      auto_add: true,
      event_map: {
        IN_CLOSE_WRITE: files,
        IN_MOVED_TO: files,
        IN_MODIFY: new Cancel(files),
        IN_DELETE: new Cancel(files),
      },
    }),
  ],
});

/** A path as a regular expression that matches just that text. */
function literal(text: string): string {
  return text.replace(/[.*+?^\${}()|[\\]\\\\]/g, "\\\\$&");
}
`;

export const HOOKS_EXAMPLE = `// seedwatch rtorrent --hooks hooks.ts …   (types: seedwatch.d.ts, written beside this file)
import { defineHooks, type RmTuple } from "seedwatch";

export default defineHooks({
  post_add(db, file) {
    const row = db.query<{ name: string }>("SELECT name FROM torrent_data WHERE hash = ?").get(file.slice(-48, -8));
    console.log("added", row?.name);
  },
  post_remove(db, file, args, rm: RmTuple) {
    console.log("removed", rm.name, "files deleted:", rm.rmfiles.length);
  },
  async complete(db, path, args, queues) {
    console.log("complete", path);
  },
});
`;

export const TSCONFIG = `{
  "compilerOptions": { "strict": true, "target": "esnext", "module": "esnext", "moduleResolution": "bundler", "types": [], "noEmit": true },
  "include": ["*.ts"]
}
`;
