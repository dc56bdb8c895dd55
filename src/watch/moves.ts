// Pairing IN_MOVED_FROM with IN_MOVED_TO by cookie, where the IN_MOVED_FROM stands in the
// kernel's order. A rename queues both halves in one system call, so the partner is
// normally already read or still in the kernel queue: look in the records read, then read
// the fd down to EAGAIN and look again. Only then can the partner be missing: the
// entry left every watched tree (a delete, for consumers), or, rarely, the renaming
// thread has queued one half and not yet the other. For that, a IN_MOVED_FROM waits up
// to MOVE_PAIR_WINDOW_MS after it was read, and everything behind it waits too, so no
// later event about the same name is ever reported before it.

import type { QueuedRecord, RecordQueue } from "./queue.ts";

export const MOVE_PAIR_WINDOW_MS = 25;

export type Pairing = { kind: "paired"; to: QueuedRecord } | { kind: "unpaired" } | { kind: "wait"; until: number };

/**
 * Decide the fate of `from`, an IN_MOVED_FROM at the head of `queue`. `drain` reads what
 * the kernel holds into the queue.
 */
export function pairMove(
  from: QueuedRecord,
  queue: RecordQueue,
  drain: () => unknown,
  now: number,
  windowMs = MOVE_PAIR_WINDOW_MS,
): Pairing {
  let to = queue.takeMovedTo(from.cookie);
  if (to) return { kind: "paired", to };
  if (queue.hasOverflow()) return { kind: "unpaired" }; // the partner was among the lost
  drain();
  to = queue.takeMovedTo(from.cookie);
  if (to) return { kind: "paired", to };
  if (queue.hasOverflow()) return { kind: "unpaired" };
  const until = from.readAt + windowMs;
  return now >= until ? { kind: "unpaired" } : { kind: "wait", until };
}
