// LogWriter: one change log ("-" for stdout, or a file appended to), shared by every
// Scribe that writes there. Lines are buffered and written in one call shortly after, or
// at once when the buffer is large; flush() writes them now (a Scribe's end, the process's
// exit: nothing is lost on SIGTERM). reopen() opens the path again, for logrotate. A write
// that fails (disk full) keeps the lines, up to a bound, and is tried again later.
//
// It also pairs renames for its Scribes: both halves of a move reach every Scribe that
// watches one of them, possibly two Scribes writing here; the first half written wins
// and the second is skipped, so a rename is one line per log.

import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import type { Clock } from "../../clock.ts";
import { parentPath } from "../../events/index.ts";
import { fsPath } from "../../fs/path.ts";
import { log } from "../../log.ts";

/** Lines wait this long to be written together. */
export const FLUSH_MS = 50;
/** Buffered text written at once past this size. */
const FLUSH_BYTES = 64 * 1024;
/** Lines kept while writes fail; older ones go beyond it, counted. */
const KEEP_BYTES = 16 * 1024 * 1024;
/** A move's first half waits this long for its second before it is forgotten. */
const PAIR_FORGET_MS = 10_000;

export class LogWriter {
  private fd = -1;
  private buffer: string[] = [];
  private bytes = 0;
  private timer: unknown;
  private failing = false;
  private lost = 0;
  private readonly pairs = new Map<string, number>();
  private readonly log = log.withTag("scribe");
  users = 0;

  constructor(
    readonly target: string,
    private readonly clock: Clock,
  ) {
    this.open();
  }

  write(line: string): void {
    this.buffer.push(line);
    this.bytes += line.length + 1;
    if (this.bytes >= FLUSH_BYTES) this.flush();
    else this.timer ??= this.clock.setTimeout(() => this.flush(), FLUSH_MS);
  }

  /** The first half of the rename `from` → `to` seen for this log: true once, false for the other half. */
  firstHalf(from: string, to: string): boolean {
    const key = `${from}\0${to}`;
    const now = this.clock.now();
    if (this.pairs.delete(key)) return false;
    for (const [k, t] of this.pairs) if (now - t > PAIR_FORGET_MS) this.pairs.delete(k);
    this.pairs.set(key, now);
    return true;
  }

  flush(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffer.length === 0) return;
    const text = `${this.buffer.join("\n")}\n`;
    try {
      if (this.target === "-") writeAll(1, text);
      else {
        if (this.fd < 0) this.open(true);
        writeAll(this.fd, text);
      }
    } catch (err) {
      return this.failed(err as NodeJS.ErrnoException);
    }
    this.buffer = [];
    this.bytes = 0;
    if (this.failing || this.lost) {
      this.log.info(`${this.target}: written again${this.lost ? `; ${this.lost} lines were lost meanwhile` : ""}`);
      this.failing = false;
      this.lost = 0;
    }
  }

  /** Write what is buffered, then open the path anew (logrotate moved the old file away). */
  reopen(): void {
    this.flush();
    if (this.target === "-") return;
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    this.open();
  }

  close(): void {
    this.flush();
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  // --- internal ---

  private open(quiet = false): void {
    if (this.target === "-") return;
    try {
      mkdirSync(fsPath(parentPath(this.target)), { recursive: true });
      this.fd = openSync(fsPath(this.target), "a", 0o644);
    } catch (err) {
      if (quiet) throw err;
      this.failed(err as NodeJS.ErrnoException);
    }
  }

  private failed(err: NodeJS.ErrnoException): void {
    if (!this.failing)
      this.log.error(`cannot write ${this.target}: ${err.code ?? err.message}; its lines are kept and tried again`);
    this.failing = true;
    while (this.bytes > KEEP_BYTES && this.buffer.length > 1) {
      this.bytes -= this.buffer.shift()!.length + 1;
      this.lost++;
    }
    this.timer ??= this.clock.setTimeout(() => this.flush(), 1000);
  }
}

/** The writers of a daemon, by target, made on first use; flushed when the process exits. */
export class LogWriters {
  private readonly writers = new Map<string, LogWriter>();

  constructor(private readonly clock: Clock) {
    process.on("exit", () => {
      for (const w of this.writers.values()) w.flush();
    });
  }

  take(target: string): LogWriter {
    let w = this.writers.get(target);
    if (!w) this.writers.set(target, (w = new LogWriter(target, this.clock)));
    w.users++;
    return w;
  }

  release(w: LogWriter): void {
    if (--w.users > 0) return;
    w.close();
    this.writers.delete(w.target);
  }
}

function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text);
  for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off);
}
