// What a SessionTracker is given, and what it counts for the run's summary line and exit status.

import type { Clock } from "../clock.ts";
import type { Hooks } from "./hooks.ts";
import type { SessionStore } from "./store.ts";

export interface TrackerOptions {
  session: string;
  store: SessionStore;
  hooks: Hooks;
  /** The parsed command line, passed to hooks as `args`. */
  args: Record<string, unknown>;
  remove: boolean;
  roots: string[];
  dryRun: boolean;
  trash?: string;
  /** Stop removing once this many files were removed in this run. */
  maxDelete?: number;
  hookTimeoutMs: number;
  /** The debounce and re-queue timers, and hook timeouts, run on it (default the real clock). */
  clock?: Clock;
  say: (line: string) => void;
  warn: (line: string) => void;
  /** Per-torrent lines of a full reconcile (a cold start of 20,000 torrents is one summary). */
  debug?: (line: string) => void;
}

export interface Summary {
  added: number;
  updated: number;
  removed: number;
  unchanged: number;
  waiting: number;
  skipped: { hash: string; reason: string }[];
  completions: number;
  hookFailures: number;
  deleted: number;
  refusedDeletes: number;
}

export function emptySummary(): Summary {
  return {
    added: 0,
    updated: 0,
    removed: 0,
    unchanged: 0,
    waiting: 0,
    skipped: [],
    completions: 0,
    hookFailures: 0,
    deleted: 0,
    refusedDeletes: 0,
  };
}
