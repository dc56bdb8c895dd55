// The Watcher interface: one small contract that InotifyWatcher, PollWatcher and the test
// fake all honour (test/contracts/watcher.contract.ts runs the same cases on each).

import type { EventName, FsEvent } from "../events/index.ts";
import type { PathFilter } from "./filter.ts";

export interface WatchOptions {
  /** Watch every directory below the root, and new ones as they appear. Default true. */
  recursive?: boolean;
  /**
   * With recursive: also watch directories created later (default true). Off, as
   * pyinotifyd's auto_add=False, files in new directories are not seen.
   */
  autoAdd?: boolean;
  /** Which events to report. Default CHANGE_EVENTS (no access/open/close-nowrite). */
  events?: readonly EventName[];
  /** Exclude/include rules; an excluded directory is not descended into. */
  filter?: PathFilter;
}

/** Something that went wrong for part of a tree; the watcher carries on without it. */
export interface WatchProblem {
  kind: "degraded" | "error";
  path: string;
  message: string;
  /** errno name for system call failures, e.g. "EACCES", "ENOSPC". */
  code?: string;
}

export interface WatcherStats {
  roots: number;
  /** Directories watched now. */
  watches: number;
  /** Directories left unwatched because of a limit or a permission. */
  degraded: number;
  overflows: number;
  events: number;
}

export interface WatcherHandlers {
  onEvent(event: FsEvent): void;
  /** Defaults to a warning in the log. */
  onProblem?(problem: WatchProblem): void;
}

/** Hand `event` to the consumer: a handler that throws is reported as a problem and survived. */
export function deliverTo(handlers: WatcherHandlers, event: FsEvent, problem: (p: WatchProblem) => void): void {
  try {
    handlers.onEvent(event);
  } catch (err) {
    problem({ kind: "error", path: event.path, message: `event handler failed: ${(err as Error).stack ?? err}` });
  }
}

export interface Watcher {
  /**
   * Start watching a directory. Throws a SeedError when the root itself cannot be watched
   * (missing, not a directory, no permission, limit reached); problems below the root are
   * reported through onProblem and counted in stats().degraded.
   */
  add(root: string, options?: WatchOptions): Promise<void>;
  /** Stop watching a root added before. */
  remove(root: string): void;
  /** Roots still watched (a root that is gone is no longer listed). */
  roots(): string[];
  stats(): WatcherStats;
  /** Stop everything; the process can then exit. */
  close(): Promise<void>;
}
