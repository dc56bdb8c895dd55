// FsEvent: what every watcher emits and every consumer reads. Plain data, no OS imports,
// so rules and scheduler tests never load libc.

/** The kernel's event names, as inotify(7) spells them. Event maps key on these. */
export const EVENT_NAMES = [
  "IN_ACCESS",
  "IN_MODIFY",
  "IN_ATTRIB",
  "IN_CLOSE_WRITE",
  "IN_CLOSE_NOWRITE",
  "IN_OPEN",
  "IN_MOVED_FROM",
  "IN_MOVED_TO",
  "IN_CREATE",
  "IN_DELETE",
  "IN_DELETE_SELF",
  "IN_MOVE_SELF",
  "IN_UNMOUNT",
  "IN_Q_OVERFLOW",
  "IN_IGNORED",
] as const;

export type EventName = (typeof EVENT_NAMES)[number];

/** Names as they appear on an event: the event's own name, plus IN_ISDIR for directories. */
export type EventFlag = EventName | "IN_ISDIR";

/**
 * What happened, for consumers that do not care about raw names:
 * - create: a new entry (IN_CREATE, a move in from outside, or found by a scan)
 * - write: a file opened for writing was closed (IN_CLOSE_WRITE)
 * - modify, attrib, access, open, close: the matching kernel events
 * - delete: an entry went away (IN_DELETE, or a move out of every watched tree)
 * - move: one half of a move within the watched trees; IN_MOVED_TO carries `from`,
 *   IN_MOVED_FROM carries `to`
 * - self: a watched sub-directory reported its own deletion or move (the parent already
 *   reported it as delete or move)
 * - gone: a watched root was deleted, moved away or unmounted; its watch has ended
 * - overflow: the kernel dropped events; a rescan of every root follows
 * - rescanned: the rescan of `root` after an overflow has finished
 */
export type EventKind =
  | "create"
  | "write"
  | "modify"
  | "attrib"
  | "access"
  | "open"
  | "close"
  | "delete"
  | "move"
  | "self"
  | "gone"
  | "overflow"
  | "rescanned";

export interface FsEvent {
  kind: EventKind;
  /**
   * The full path. Lossless: bytes that are not UTF-8 are carried as U+DC80..U+DCFF
   * (Python's "surrogateescape"); `encodePath` gives the exact bytes back.
   */
  path: string;
  /** Raw names, e.g. ["IN_CREATE", "IN_ISDIR"]; empty for "rescanned". */
  names: EventFlag[];
  /** The subject is a directory. */
  dir: boolean;
  /** The watched root the path is under, as it was given to `add`. */
  root: string;
  /** For the IN_MOVED_TO half of a move: where the entry came from. */
  from?: string;
  /** For the IN_MOVED_FROM half of a move: where the entry went. */
  to?: string;
  /** Not reported by the kernel: found by scanning a new directory, or a rescan. */
  synthetic?: boolean;
}

/** The kind each kernel event has when it stands alone (moves may be re-kinded when paired). */
export const KIND_OF: Record<EventName, EventKind> = {
  IN_ACCESS: "access",
  IN_MODIFY: "modify",
  IN_ATTRIB: "attrib",
  IN_CLOSE_WRITE: "write",
  IN_CLOSE_NOWRITE: "close",
  IN_OPEN: "open",
  IN_MOVED_FROM: "delete", // unpaired: moved out of every watched tree
  IN_MOVED_TO: "create", // unpaired: moved in from outside
  IN_CREATE: "create",
  IN_DELETE: "delete",
  IN_DELETE_SELF: "self",
  IN_MOVE_SELF: "self",
  IN_UNMOUNT: "self",
  IN_Q_OVERFLOW: "overflow",
  IN_IGNORED: "self",
};

/** Build an event for `name`; `extra` may override the kind and add from/to/synthetic. */
export function fsEvent(
  name: EventName,
  path: string,
  dir: boolean,
  root: string,
  extra?: Partial<Pick<FsEvent, "kind" | "from" | "to" | "synthetic">>,
): FsEvent {
  return { kind: KIND_OF[name], path, names: dir ? [name, "IN_ISDIR"] : [name], dir, root, ...extra };
}
