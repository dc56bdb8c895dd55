// What a run config gets from the rules layer: pyinotifyd's classes and functions by
// their names, as values of the module "seedwatch" and as their declarations in
// seedwatch.d.ts (test/unit/user-api-dts.test.ts checks these against the code's types:
// option names and types). Composed with the other layers' parts in commands/user-api.ts.

import type { UserApiPart } from "../config/user-api.ts";
import { EventMap, Pyinotifyd, Watch } from "./config.ts";
import { FileManagerRule, FileManagerScheduler } from "./files.ts";
import { LEVELS, setLoglevel } from "./logging.ts";
import { Cancel, TaskScheduler } from "./scheduler.ts";
import { ShellScheduler } from "./shell.ts";
import { enableSyslog } from "./syslog.ts";

// The types the declarations name, from the code (for the check against seedwatch.d.ts).
export type { EventName } from "../events/index.ts";
export type { EventMapValue, PyinotifydOptions, WatchOptions } from "./config.ts";
export type { FileManagerRuleOptions } from "./files.ts";
export type { Job, JobEvent, TaskSchedulerOptions } from "./scheduler.ts";

export const RULES_API = {
  exports: {
    Pyinotifyd,
    Watch,
    EventMap,
    TaskScheduler,
    ShellScheduler,
    FileManagerScheduler,
    FileManagerRule,
    Cancel,
    setLoglevel,
    enableSyslog,
    ...LEVELS,
  },
  dts: `  // --- seedwatch run CONFIG.ts: pyinotifyd's classes, by their names ---

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
     * {maskname} {pathname} {src_pathname} {path} {name} … are substituted once and quoted;
     * a list runs without a shell. Each command runs in a process group of its own:
     * \`timeout\` (seconds), or the shutdown timeout, ends it and all it started.
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
    /** List the tree every this many milliseconds instead of inotify (NFS, SMB, FUSE sources). */
    poll?: number;
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
  export const CRITICAL: number;`,
} satisfies UserApiPart;
