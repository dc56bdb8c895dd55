// SyntheticLedger: what a scan of a new directory found, so that the kernel's own events
// for the same entries are not reported twice, and so that a file found mid-write is not
// reported as written before it is.
//
// A new directory is watched, then listed. An entry created between the two shows up in
// the listing *and* as kernel events queued before the listing finished. The listing's
// IN_CREATE is reported at once (the kernel's duplicate is dropped later); its
// IN_CLOSE_WRITE is only a candidate until two drains of the kernel queue:
//   1. drained to EAGAIN: every event queued before the listing has been seen, so the
//      create duplicates are settled. `check()` then marks a candidate due when no real
//      IN_CLOSE_WRITE came, its size and mtime have not moved, and nobody has it open for
//      writing (`beingWritten`, asked at time T);
//   2. drained again: a writer that closed before T has had its real IN_CLOSE_WRITE seen,
//      so `takeDue()` returns the candidates still due and forgets the checked entries.
// A file still being written gets its real IN_CLOSE_WRITE when its writer closes it,
// because the directory is watched by then. Entries recorded during the drains belong to
// the next round (generations).
// One window is left: open(O_CREAT) makes the file visible (and queues IN_CREATE) before
// the open completes and counts as a writer, so a listing can find an empty file that
// nobody holds open yet, whose writer then writes and closes (measured: a few in 300
// racing `mkdir -p && write`). So a candidate whose status changed less than
// WRITE_SETTLE_MS ago is not due yet: it stays, and is checked again after later drains.

import { lstatSync } from "node:fs";
import { fsPath } from "./scan.ts";

/** How long a file's status must have held still before a synthetic write is reported. */
export const WRITE_SETTLE_MS = 50;

interface Stamp {
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

interface Entry<R> {
  gen: number;
  create: boolean;
  write?: { stamp: Stamp; owner: R; due: boolean; young: boolean };
}

export class SyntheticLedger<R> {
  private entries = new Map<string, Entry<R>>();
  private gen = 0;
  /** Entries with gen <= checked went through check(). */
  private checked = -1;

  /** `clock`: wall-clock milliseconds, the time base of file ctimes. */
  constructor(private readonly clock: () => number = Date.now) {}

  get size(): number {
    return this.entries.size;
  }

  recordCreate(path: string): void {
    this.entry(path).create = true;
  }

  /** Hold a synthetic IN_CLOSE_WRITE for `owner`. */
  recordWrite(path: string, owner: R): void {
    const stamp = stampOf(path);
    if (stamp) this.entry(path).write = { stamp, owner, due: false, young: false };
  }

  /** A kernel IN_CREATE for `path`: true if a scan reported it already. */
  takeCreate(path: string): boolean {
    const e = this.entries.get(path);
    if (!e?.create) return false;
    e.create = false;
    return true;
  }

  /** A kernel IN_CLOSE_WRITE was reported for `path`: its synthetic one is not needed. */
  realWrite(path: string): void {
    const e = this.entries.get(path);
    if (e) e.write = undefined;
  }

  /** The entry was deleted or moved away: later events for the name are new. */
  forget(path: string): void {
    this.entries.delete(path);
  }

  /** Step 1, after a drain to EAGAIN. `beingWritten` answers undefined when it cannot tell. */
  check(beingWritten: (path: string) => boolean | undefined): void {
    this.checked = this.gen++;
    for (const [path, e] of this.entries) {
      if (e.gen > this.checked || !e.write) continue;
      const writer = beingWritten(path); // first: a writer that closes after this is seen below
      const now = stampOf(path);
      const was = e.write.stamp;
      const still =
        writer !== true && !!now && now.ino === was.ino && now.size === was.size && now.mtimeMs === was.mtimeMs;
      e.write.young = still && this.clock() - now.ctimeMs < WRITE_SETTLE_MS;
      e.write.due = still && !e.write.young;
    }
  }

  /** Step 2, after another drain: the synthetic writes due; checked entries are forgotten, young ones kept. */
  takeDue(): [string, R][] {
    const due: [string, R][] = [];
    for (const [path, e] of this.entries) {
      if (e.gen > this.checked) continue;
      if (e.write?.due) due.push([path, e.write.owner]);
      if (e.write?.young)
        e.gen = this.gen; // to be checked again after later drains
      else this.entries.delete(path);
    }
    return due;
  }

  // --- internal ---

  private entry(path: string): Entry<R> {
    let e = this.entries.get(path);
    if (!e) this.entries.set(path, (e = { gen: this.gen, create: false }));
    e.gen = this.gen;
    return e;
  }
}

function stampOf(path: string): Stamp | undefined {
  try {
    const s = lstatSync(fsPath(path) as string);
    return { ino: s.ino, size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs };
  } catch {
    return undefined;
  }
}
