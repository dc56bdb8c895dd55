// Replica: what a Mirror needs from its destination, the one extension point between the
// mirror's logic (mirror.ts: which paths to look at, when) and where the copy lives: a
// local folder (local.ts) or a remote one through the system's rsync (remote.ts). Paths
// are relative to the source's top ("" is the top itself). Every call looks at the
// source as it is now: events only say where to look.

/** What became of one entry. */
export type Outcome =
  /** The destination matches the source now (a batching replica: it will, once flushed). */
  | "done"
  /** The source has no such entry now (renamed or deleted since: a later event says which). */
  | "missing"
  /** A file still open for writing: its close will come. */
  | "busy"
  /** It could not be done now (disk full, permission): tried again later. */
  | { error: NodeJS.ErrnoException };

export interface WalkControl {
  /** Stop walking (the mirror ends). */
  stopped(): boolean;
  /** Let the watcher read its queue (a long walk must not block the process). */
  breathe(): Promise<void>;
  /** A file found mid-write: copied once closed. */
  busy(rel: string): void;
  /** Listed, then gone before it was copied (a rename above it may be handled next). */
  missing(rel: string): void;
  failed(rel: string, err: NodeJS.ErrnoException): void;
}

export interface Tally {
  /** Files and symlinks written. */
  copied: number;
  bytes: number;
  removed: number;
  renamed: number;
}

export interface Replica {
  /** For the log: the destination as given. */
  readonly destination: string;
  readonly tally: Tally;
  /** Make the destination's top exist; throws (a SeedError) what stops mirroring. */
  prepare(): Promise<void>;
  /** Make the destination below `rel` match the source: compare, copy what differs, remove what is extra. */
  reconcile(rel: string, ctl: WalkControl): Promise<void>;
  /** One entry (not below it) as the source has it. `force`: copy a file even if it looks the same. */
  sync(rel: string, force: boolean): Outcome;
  /** The source renamed `from` to `to`: rename in the destination. "absent": it holds no `from` (copy instead). */
  move(from: string, to: string): "done" | "absent" | { error: NodeJS.ErrnoException };
  /** `rel` left the source: remove it, and all below it, from the destination. */
  remove(rel: string): Outcome;
  /**
   * Folders whose entries changed: their mode and times as the source's now (after their
   * entries). Returns those the source has no folder at now: renamed since, by a rename
   * whose event is still to come, they are settled where it puts them.
   */
  settle(dirs: Iterable<string>): string[];
  /** A batching replica sends what it collected; resolves when the destination has it. */
  flush?(): Promise<void>;
}

/** `rel` joined below `base` ("" is base itself). */
export function below(base: string, rel: string): string {
  return rel === "" ? base : base.endsWith("/") ? base + rel : `${base}/${rel}`;
}

/** The folder of `rel` ("" for an entry at the top). */
export function relParent(rel: string): string {
  const i = rel.lastIndexOf("/");
  return i < 0 ? "" : rel.slice(0, i);
}
