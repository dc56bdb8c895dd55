// InotifyWatcher: the kernel side of the engine. One inotify fd (IN_NONBLOCK), read
// through Bun.file(fd).stream(): Bun registers it with epoll, so an idle watcher costs no
// CPU and never blocks JavaScript; each chunk is one read() of whole events. Records are
// decoded here and fed to InotifyEngine (engine.ts), which holds all the rules and reads
// the rest of the kernel queue itself through `drain` when it needs to look ahead.
// The only file in src/ that imports native/ (its exitProcess serves the hook watchdog).

import * as N from "../../native/index.ts";
import type { Clock } from "../clock.ts";
import { ConfigError, NativeError, WatchLimitError } from "../errors.ts";
import { cPath, trimSlashes, type EventName } from "../events/index.ts";
import { InotifyEngine, type Kernel } from "./engine.ts";
import { readLimit } from "./limits.ts";
import type { WatchRoot } from "./walker.ts";
import type { Watcher, WatcherHandlers, WatcherStats, WatchOptions } from "./watcher.ts";

/** Reads to try when draining the fd down to EAGAIN before settling synthetic writes. */
const DRAIN_MAX_READS = 64;
const DRAIN_BUFFER_BYTES = 65536;
/** Events the engine needs on every directory to follow the tree. */
const STRUCTURE = N.IN_CREATE | N.IN_MOVED_FROM | N.IN_MOVED_TO | N.IN_DELETE | N.IN_DELETE_SELF | N.IN_MOVE_SELF;

export interface InotifyWatcherOptions extends WatcherHandlers {
  /** The libc to call; tests wrap the real one. */
  sys?: N.Libc;
  /** The engine's timers (move window, rescan delay, settle retry); default the real clock. */
  clock?: Clock;
}

export class InotifyWatcher implements Watcher {
  private fd = -1;
  private sys: N.Libc | undefined;
  private reader: { read(): Promise<{ done: boolean; value?: Uint8Array }>; cancel(): Promise<void> } | undefined;
  private closed = false;
  private drainBuffer: Uint8Array | undefined;
  private readonly masks = new WeakMap<WatchRoot, number>();
  private readonly engine: InotifyEngine;

  constructor(handlers: InotifyWatcherOptions) {
    this.sys = handlers.sys;
    const kernel: Kernel = {
      addWatch: (path, root, isRoot) => {
        const flags = N.IN_ONLYDIR | N.IN_EXCL_UNLINK | (isRoot ? 0 : N.IN_DONT_FOLLOW);
        const wd = this.sys!.inotify_add_watch(this.fd, cPath(path), this.maskOf(root) | flags);
        return wd >= 0 ? wd : N.errnoName(this.sys!.errno());
      },
      rmWatch: (wd) => void this.sys!.inotify_rm_watch(this.fd, wd),
      beingWritten: (path) => this.beingWritten(path),
      drain: () => this.drain(),
    };
    this.engine = new InotifyEngine(kernel, handlers, handlers.clock);
  }

  async add(path: string, options: WatchOptions = {}): Promise<void> {
    this.open();
    this.engine.addRoot(trimSlashes(path), options);
    this.startReading();
  }

  remove(path: string): void {
    this.engine.removeRoot(trimSlashes(path));
  }

  roots(): string[] {
    return this.engine.roots();
  }

  stats(): WatcherStats {
    return this.engine.stats();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.engine.stop();
    await this.reader?.cancel().catch(() => {});
    if (this.fd >= 0) this.sys!.close(this.fd);
    this.fd = -1;
  }

  // --- internal ---

  private open(): void {
    if (this.fd >= 0) return;
    if (this.closed) throw new NativeError("inotify_init1", N.EBADF, "EBADF", undefined, "the watcher was closed");
    try {
      this.sys ??= N.libc();
    } catch (err) {
      throw new NativeError(
        "dlopen",
        N.ENOSYS,
        "ENOSYS",
        undefined,
        `seedwatch needs glibc (libc.so.6) on Linux: ${(err as Error).message}`,
      );
    }
    const fd = this.sys.inotify_init1(N.IN_NONBLOCK | N.IN_CLOEXEC);
    if (fd < 0) {
      const e = this.sys.errno();
      if (e === N.EMFILE) throw new WatchLimitError("max_user_instances", readLimit("max_user_instances"));
      throw new NativeError(
        "inotify_init1",
        e,
        N.errnoName(e),
        undefined,
        "is inotify enabled in this kernel? try 'seedwatch doctor', or --poll",
      );
    }
    this.fd = fd;
  }

  private startReading(): void {
    if (this.reader) return;
    const reader = Bun.file(this.fd).stream().getReader();
    this.reader = reader;
    void (async () => {
      let next = reader.read();
      for (;;) {
        let chunk: Chunk | undefined;
        try {
          chunk = await next;
          // Bun reads the fd dry on each wake-up and may hold more chunks than it handed
          // over (measured: 8192 events, then 3808 more already read). Take them all
          // first, so that the engine's own reads (drain) only ever get newer events.
          while (!chunk.done && chunk.value && !this.closed) {
            this.onBytes(chunk.value, chunk.value.length);
            next = reader.read();
            chunk = await alreadyRead(next);
            if (!chunk) break;
          }
        } catch (err) {
          if (!this.closed)
            this.engine.problem({ kind: "error", path: "", message: `reading inotify events failed: ${err}` });
          return;
        }
        if (chunk?.done || this.closed) return;
        this.engine.pump();
      }
    })();
  }

  private onBytes(bytes: Uint8Array, n: number): void {
    this.engine.feed(
      N.parseEvents(bytes, n).records.map((r) => ({
        wd: r.wd,
        event: nameOf(r.mask),
        dir: (r.mask & N.IN_ISDIR) !== 0,
        cookie: r.cookie,
        name: r.name,
      })),
    );
  }

  /**
   * Read the non-blocking fd ourselves until EAGAIN, feeding the engine; true when it got
   * there. Then every event the kernel queued before now is in the engine's queue. Bun's
   * reader just finds the queue empty on its next wake-up. A burst that never lets the
   * queue empty makes this give up after DRAIN_MAX_READS.
   *
   * Order: Bun's stream reads ahead (whenever no read() is pending, and on a wake-up until
   * the fd is dry), and bytes it holds would then be delivered after newer ones read
   * here. So this runs only synchronously after the loop took every chunk Bun held, or
   * from a timer while the loop's read() is pending (a chunk Bun reads then is handed to
   * the loop before any timer runs); in both cases Bun holds nothing.
   */
  private drain(): boolean {
    const buf = (this.drainBuffer ??= new Uint8Array(DRAIN_BUFFER_BYTES));
    for (let i = 0; i < DRAIN_MAX_READS; i++) {
      const n = this.sys!.read(this.fd, buf, buf.length);
      if (n > 0) this.onBytes(buf, n);
      else return n < 0 && this.sys!.errno() === N.EAGAIN;
    }
    return false;
  }

  private beingWritten(path: string): boolean | undefined {
    return fileBeingWritten(path, this.sys!);
  }

  private maskOf(root: WatchRoot): number {
    let mask = this.masks.get(root);
    if (mask === undefined) {
      mask = STRUCTURE;
      for (const e of root.events) {
        const bit = (N.EVENT_NAMES as Record<string, number>)[e];
        if (bit === undefined) throw new ConfigError(`unknown event ${e}`, "events", e, "see 'seedwatch watch --help'");
        mask |= bit & N.IN_ALL_EVENTS;
      }
      this.masks.set(root, mask);
    }
    return mask;
  }
}

/** For `seedwatch doctor`: load libc and open (then close) an inotify instance. */
export function probeInotify(): { ok: true; detail: string } | { ok: false; detail: string; hint?: string } {
  let sys: N.Libc;
  try {
    sys = N.libc();
  } catch (err) {
    return { ok: false, detail: (err as Error).message, hint: "seedwatch needs glibc's libc.so.6 (Linux)" };
  }
  const fd = sys.inotify_init1(N.IN_NONBLOCK | N.IN_CLOEXEC);
  if (fd < 0) {
    const e = sys.errno();
    return e === N.EMFILE
      ? { ok: false, detail: "inotify_init1: EMFILE (instance limit)", hint: "raise fs.inotify.max_user_instances" }
      : {
          ok: false,
          detail: `inotify_init1: ${N.errnoName(e)}`,
          hint: "this kernel or container has no inotify; use --poll",
        };
  }
  sys.close(fd);
  return { ok: true, detail: "libc loaded, inotify_init1 works" };
}

// --- helpers ---

type Chunk = { done: boolean; value?: Uint8Array };

/** The read's result if Bun had it already (it settles within a microtask), else undefined. */
async function alreadyRead(read: Promise<Chunk>): Promise<Chunk | undefined> {
  let result: Chunk | undefined;
  let failed: unknown;
  read.then(
    (r) => (result = r),
    (e) => (failed = e ?? new Error("read failed")),
  );
  for (let i = 0; i < 4 && !result && !failed; i++) await null;
  if (failed) throw failed;
  return result;
}

const NAME_OF_BIT = new Map<number, EventName>(
  Object.entries(N.EVENT_NAMES)
    .filter(([n]) => n !== "IN_ISDIR")
    .map(([n, bit]) => [bit, n as EventName]),
);

/** The record's own event: the lowest event bit of its mask. */
function nameOf(mask: number): EventName | undefined {
  const bits = mask & 0xffff;
  return NAME_OF_BIT.get(bits & -bits);
}

/**
 * Whether someone has `path` open for writing: a read lease is refused (EAGAIN) exactly
 * then. Undefined when no lease can be taken at all (not our file and no CAP_LEASE, or a
 * filesystem without leases). Also for consumers above (the mirror copies a file found
 * mid-write only once it is closed).
 */
export function fileBeingWritten(path: string, sys: N.Libc = N.libc()): boolean | undefined {
  const fd = sys.open(cPath(path), N.O_RDONLY | N.O_NONBLOCK | N.O_CLOEXEC | N.O_NOFOLLOW, 0);
  if (fd < 0) return undefined;
  try {
    // A writer opening the file while we hold the lease makes the kernel signal us, with
    // SIGIO unless told otherwise, and SIGIO's default action terminates the process
    // (measured: the watcher died). SIGURG's default is to ignore it.
    if (sys.fcntl(fd, N.F_SETSIG, N.SIGURG) !== 0) return undefined;
    if (sys.fcntl(fd, N.F_SETLEASE, N.F_RDLCK) === 0) {
      sys.fcntl(fd, N.F_SETLEASE, N.F_UNLCK);
      return false;
    }
    return sys.errno() === N.EAGAIN ? true : undefined;
  } finally {
    sys.close(fd);
  }
}

/**
 * End the whole process now, every thread, with `status` (libc's _exit): for the hook
 * watchdog's thread, whose own process.exit would end only itself. Throws LibcUnavailable
 * when there is no libc to call.
 */
export function exitProcess(status: number): never {
  N.libc()._exit(status);
  throw new Error("_exit returned");
}
