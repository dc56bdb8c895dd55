// SyntheticLedger: what a scan of a new directory already reported, so that the kernel's
// own events for the same entries are not reported twice.
//
// A new directory is watched, then listed. An entry created between the two shows up in
// the listing *and* as a kernel event queued before the listing finished. Those kernel
// events arrive in reads that start after the scan; once such a read comes back short
// (the kernel queue was empty), every duplicate has been seen. So entries live for two
// "drains": the generation recorded now, and the one before.

import { lstatSync } from "node:fs";
import { fsPath } from "./scan.ts";

interface Stamp {
  ino: number;
  size: number;
  mtimeMs: number;
}

interface Entry {
  create: boolean;
  write?: Stamp;
}

export class SyntheticLedger {
  private current = new Map<string, Entry>();
  private previous = new Map<string, Entry>();

  recordCreate(path: string): void {
    this.entry(path).create = true;
  }

  /** Record a synthetic IN_CLOSE_WRITE; returns false when the file is already gone. */
  recordWrite(path: string): boolean {
    const stamp = stampOf(path);
    if (!stamp) return false;
    this.entry(path).write = stamp;
    return true;
  }

  /** A kernel IN_CREATE for `path`: true if a scan reported it already. */
  takeCreate(path: string): boolean {
    const e = this.find(path);
    if (!e?.create) return false;
    e.create = false;
    return true;
  }

  /** A kernel IN_CLOSE_WRITE: true if a scan reported this very content already. */
  takeWrite(path: string): boolean {
    const e = this.find(path);
    if (!e?.write) return false;
    const was = e.write;
    e.write = undefined;
    const now = stampOf(path);
    return !!now && now.ino === was.ino && now.size === was.size && now.mtimeMs === was.mtimeMs;
  }

  /** The entry was deleted or moved away: later events for the name are new. */
  forget(path: string): void {
    this.current.delete(path);
    this.previous.delete(path);
  }

  /** A read came back short: the kernel queue was empty when it started. */
  drained(): void {
    if (this.current.size === 0 && this.previous.size === 0) return;
    this.previous = this.current;
    this.current = new Map();
  }

  get size(): number {
    return this.current.size + this.previous.size;
  }

  // --- internal ---

  private find(path: string): Entry | undefined {
    return this.current.get(path) ?? this.previous.get(path);
  }

  private entry(path: string): Entry {
    let e = this.current.get(path);
    if (!e) this.current.set(path, (e = { create: false }));
    return e;
  }
}

function stampOf(path: string): Stamp | undefined {
  try {
    const s = lstatSync(fsPath(path) as string);
    return { ino: s.ino, size: s.size, mtimeMs: s.mtimeMs };
  } catch {
    return undefined;
  }
}
