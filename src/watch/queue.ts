// RecordQueue: kernel records read but not handled yet, in kernel order, with the two
// look-ups the engine needs ahead of the record it is handling:
// - the IN_MOVED_TO with a given cookie, so a rename is paired where its IN_MOVED_FROM
//   stands and nothing after it is reported first (moves.ts);
// - whether a later record changes what stands at a name in a directory (IN_MOVED_FROM,
//   IN_DELETE, or IN_MOVED_TO: a rename over an empty directory replaces it without an
//   IN_DELETE), so a directory is only listed once no queued event can still move or
//   replace it (arrivals.ts).

import { decodePath, type EventName } from "../events/index.ts";

/** One kernel record, decoded: `event` is its name (undefined for bits we do not know). */
export interface KernelRecord {
  wd: number;
  event: EventName | undefined;
  dir: boolean;
  cookie: number;
  name: Uint8Array;
}

export interface QueuedRecord extends KernelRecord {
  /** The name as lossless text. */
  text: string;
  /** The engine clock's now() when it was read. */
  readAt: number;
  /** Handled out of order (the IN_MOVED_TO half of a pair): skip it. */
  taken?: boolean;
}

export class RecordQueue {
  /** Called when no queued record changes the name `key` (changeKey) any more. */
  onSettled: ((key: string) => void) | undefined;
  private items: QueuedRecord[] = [];
  private head = 0;
  private readonly movedTo = new Map<number, QueuedRecord>();
  private readonly changing = new Map<string, number>();
  private overflows = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(r: KernelRecord, readAt: number): void {
    const q: QueuedRecord = { ...r, text: r.name.length ? decodePath(r.name) : "", readAt };
    this.items.push(q);
    if (q.event === "IN_MOVED_TO") this.movedTo.set(q.cookie, q);
    else if (q.event === "IN_Q_OVERFLOW") this.overflows++;
    const key = changeKey(q);
    if (key !== undefined) this.changing.set(key, (this.changing.get(key) ?? 0) + 1);
  }

  /** The next record to handle, without removing it. */
  peek(): QueuedRecord | undefined {
    while (this.head < this.items.length && this.items[this.head]!.taken) this.drop();
    return this.items[this.head];
  }

  /** Remove the record `peek` returned. */
  shift(): void {
    if (this.peek()) this.drop();
  }

  /** The queued IN_MOVED_TO with this cookie, removed from the queue. */
  takeMovedTo(cookie: number): QueuedRecord | undefined {
    const r = this.movedTo.get(cookie);
    if (!r) return undefined;
    r.taken = true;
    this.unindex(r);
    return r;
  }

  /** An IN_Q_OVERFLOW is queued: records after the last ones read were lost. */
  hasOverflow(): boolean {
    return this.overflows > 0;
  }

  /** The key of the first queued record that will move `name` out of directory `wd`, replace it, or delete it. */
  changes(wd: number, name: string): string | undefined {
    const key = `${wd}/${name}`;
    return this.changing.has(key) ? key : undefined;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
    this.movedTo.clear();
    this.changing.clear();
    this.overflows = 0;
  }

  // --- internal ---

  private drop(): void {
    const r = this.items[this.head]!;
    this.items[this.head++] = undefined as unknown as QueuedRecord;
    if (!r.taken) this.unindex(r);
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  private unindex(r: QueuedRecord): void {
    if (r.event === "IN_MOVED_TO" && this.movedTo.get(r.cookie) === r) this.movedTo.delete(r.cookie);
    else if (r.event === "IN_Q_OVERFLOW") this.overflows--;
    const key = changeKey(r);
    if (key === undefined) return;
    const n = this.changing.get(key)! - 1;
    if (n > 0) return void this.changing.set(key, n);
    this.changing.delete(key);
    this.onSettled?.(key);
  }
}

function changeKey(r: QueuedRecord): string | undefined {
  const changing = r.event === "IN_MOVED_FROM" || r.event === "IN_MOVED_TO" || r.event === "IN_DELETE";
  return changing && r.text !== "" ? `${r.wd}/${r.text}` : undefined;
}
