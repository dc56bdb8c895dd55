// InotifyWatcher: recursive watches on one inotify fd, read without blocking JavaScript.
//
// Theory of operation
// - One fd (IN_NONBLOCK) is read through Bun.file(fd).stream(): Bun registers it with
//   epoll, so an idle watcher costs no CPU, and each chunk is one read() of whole events.
// - Every watched directory is a node in a WatchTree keyed by watch descriptor; a record's
//   path is its node's path plus the record's name.
// - A new directory (IN_CREATE or a move in) is watched first, then listed; what the
//   listing finds is reported as synthetic IN_CREATE (and IN_CLOSE_WRITE for files), and
//   the SyntheticLedger drops the kernel's duplicates. Nothing created in the window
//   between the kernel's event and our watch can be lost.
// - IN_MOVED_FROM waits in a MovePairer for its IN_MOVED_TO. Paired: both halves are
//   reported with from/to, and a moved directory's node is re-parented (its whole subtree
//   follows). Unpaired after the window: moved out, reported as a delete, watches dropped.
// - IN_Q_OVERFLOW: an overflow event per root, then a rescan (with backoff) that re-lists
//   every root, reports everything as synthetic creates, prunes vanished watches, and ends
//   with a "rescanned" event so consumers can reconcile.
// - A root deleted, moved or unmounted: a "gone" event, and its watches are dropped.
// - ENOSPC on a root: WatchLimitError. Below a root: that directory is left unwatched,
//   counted as degraded, and reported once as a problem.

import { readFileSync } from "node:fs";
import * as N from "../../native/index.ts";
import { ConfigError, NativeError, WatchLimitError } from "../errors.ts";
import {
  CHANGE_EVENTS,
  cPath,
  decodePath,
  fsEvent,
  joinPath,
  type EventName,
  type FsEvent,
} from "../events/index.ts";
import { log } from "../log.ts";
import { isExcluded, isReported, NO_FILTER, type PathFilter } from "./filter.ts";
import { SyntheticLedger } from "./ledger.ts";
import { MovePairer } from "./moves.ts";
import { listDir } from "./scan.ts";
import { WatchTree, type DirNode } from "./tree.ts";
import type { Watcher, WatcherHandlers, WatcherStats, WatchOptions, WatchProblem } from "./watcher.ts";

/** A chunk shorter than this means the kernel queue was empty when it was read. */
const DRAINED_BELOW = 65536;
/** First rescan delay after an overflow; doubled while overflows keep coming. */
const RESCAN_DELAY_MS = 20;
const RESCAN_MAX_DELAY_MS = 5000;
/** Events the engine needs on every directory to follow the tree. */
const STRUCTURE = N.IN_CREATE | N.IN_MOVED_FROM | N.IN_MOVED_TO | N.IN_DELETE | N.IN_DELETE_SELF | N.IN_MOVE_SELF;

export interface InotifyWatcherOptions extends WatcherHandlers {
  /** The libc to call; tests wrap the real one. */
  sys?: N.Libc;
}

interface Root {
  path: string;
  recursive: boolean;
  events: Set<EventName>;
  filter: PathFilter;
  mask: number;
  node?: DirNode<Root>;
  gone: boolean;
}

interface HeldMove {
  root: Root;
  parent: DirNode<Root>;
  name: string;
  path: string;
  dir: boolean;
}

type ScanMode = "quiet" | "new" | "rescan";

export class InotifyWatcher implements Watcher {
  private fd = -1;
  private sys: N.Libc | undefined;
  private reader: { read(): Promise<{ done: boolean; value?: Uint8Array }>; cancel(): Promise<void> } | undefined;
  private closed = false;
  private readonly tree = new WatchTree<Root>();
  private readonly rootsByPath = new Map<string, Root>();
  private readonly ledger = new SyntheticLedger();
  private readonly moves = new MovePairer<HeldMove>((m) => this.movedOut(m));
  private readonly counts = { degraded: 0, overflows: 0, events: 0 };
  private limitReported = false;
  private rescanTimer: ReturnType<typeof setTimeout> | undefined;
  private rescanDelay = RESCAN_DELAY_MS;
  private lastRescanEnd = 0;

  constructor(private readonly handlers: InotifyWatcherOptions) {
    this.sys = handlers.sys;
  }

  async add(path: string, options: WatchOptions = {}): Promise<void> {
    const clean = path.length > 1 ? path.replace(/\/+$/, "") : path;
    if (this.rootsByPath.has(clean)) return;
    const events = new Set(options.events ?? CHANGE_EVENTS);
    const root: Root = {
      path: clean,
      recursive: options.recursive ?? true,
      events,
      filter: options.filter ?? NO_FILTER,
      mask: maskOf(events) | STRUCTURE | N.IN_EXCL_UNLINK,
      gone: false,
    };
    this.open();
    const wd = this.sys!.inotify_add_watch(this.fd, cPath(clean), root.mask | N.IN_ONLYDIR);
    if (wd < 0) throw this.rootError(clean, this.sys!.errno());
    root.node = this.tree.addRoot(wd, clean, root);
    this.rootsByPath.set(clean, root);
    if (root.recursive) this.scan(root.node, "quiet");
    this.startReading();
  }

  remove(path: string): void {
    const root = this.rootsByPath.get(path.length > 1 ? path.replace(/\/+$/, "") : path);
    if (root) this.dropRoot(root);
  }

  roots(): string[] {
    return [...this.rootsByPath.keys()];
  }

  stats(): WatcherStats {
    return { roots: this.rootsByPath.size, watches: this.tree.size, ...this.counts };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.moves.stop();
    if (this.rescanTimer) clearTimeout(this.rescanTimer);
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
      throw new NativeError("dlopen", N.ENOSYS, "ENOSYS", undefined, `seedwatch needs glibc (libc.so.6) on Linux: ${(err as Error).message}`);
    }
    const fd = this.sys.inotify_init1(N.IN_NONBLOCK | N.IN_CLOEXEC);
    if (fd < 0) {
      const e = this.sys.errno();
      if (e === N.EMFILE) throw new WatchLimitError("max_user_instances", readLimit("max_user_instances"));
      throw new NativeError("inotify_init1", e, N.errnoName(e), undefined, "is inotify enabled in this kernel? try 'seedwatch doctor', or --poll");
    }
    this.fd = fd;
  }

  private startReading(): void {
    if (this.reader) return;
    const reader = Bun.file(this.fd).stream().getReader();
    this.reader = reader;
    void (async () => {
      for (;;) {
        let chunk: { done: boolean; value?: Uint8Array };
        try {
          chunk = await reader.read();
        } catch (err) {
          if (!this.closed) this.problem({ kind: "error", path: "", message: `reading inotify events failed: ${err}` });
          return;
        }
        if (chunk.done || this.closed || !chunk.value) return;
        this.onChunk(chunk.value);
      }
    })();
  }

  private onChunk(chunk: Uint8Array): void {
    for (const r of N.parseEvents(chunk).records) {
      try {
        this.onRecord(r);
      } catch (err) {
        this.problem({ kind: "error", path: "", message: `event handling failed: ${(err as Error).stack ?? err}` });
      }
    }
    if (chunk.length < DRAINED_BELOW) this.ledger.drained();
    this.moves.settle();
  }

  private onRecord(r: N.InotifyRecord): void {
    if (r.mask & N.IN_Q_OVERFLOW) return this.onOverflow();
    const node = this.tree.get(r.wd);
    if (!node) return; // a watch we dropped; its last events are moot
    const root = node.root;
    if (r.mask & N.IN_IGNORED) return this.onIgnored(node);
    const dir = (r.mask & N.IN_ISDIR) !== 0;
    if (r.name.length === 0) return this.onSelf(node, r.mask);
    const name = decodePath(r.name);
    const path = joinPath(this.tree.path(node), name);
    if (isExcluded(root.filter, path)) return;
    const event = nameOf(r.mask);
    switch (event) {
      case "IN_MOVED_FROM":
        this.ledger.forget(path);
        return this.moves.hold(r.cookie, { root, parent: node, name, path, dir });
      case "IN_MOVED_TO":
        return this.movedTo(node, name, path, dir, r.cookie);
      case "IN_CREATE":
        if (this.ledger.takeCreate(path)) return;
        this.emit(root, fsEvent("IN_CREATE", path, dir, root.path));
        if (dir && root.recursive) this.watchNew(node, name, path);
        return;
      case "IN_DELETE": {
        this.ledger.forget(path);
        const child = node.children.get(name);
        if (dir && child) this.tree.detach(child);
        break;
      }
      case "IN_CLOSE_WRITE":
        if (this.ledger.takeWrite(path)) return;
        break;
    }
    if (event) this.emit(root, fsEvent(event, path, dir, root.path));
  }

  private movedTo(parent: DirNode<Root>, name: string, path: string, dir: boolean, cookie: number): void {
    const root = parent.root;
    const from = this.moves.take(cookie);
    if (!from) {
      this.emit(root, fsEvent("IN_MOVED_TO", path, dir, root.path));
      if (dir && root.recursive) this.watchNew(parent, name, path);
      return;
    }
    this.emit(from.root, fsEvent("IN_MOVED_FROM", from.path, dir, from.root.path, { kind: "move", to: path }));
    this.emit(root, fsEvent("IN_MOVED_TO", path, dir, root.path, { kind: "move", from: from.path }));
    if (!dir) return;
    const moved = from.parent.children.get(from.name);
    if (moved && from.root === root) this.tree.move(moved, parent, name);
    else {
      if (moved) this.unwatch(moved);
      if (root.recursive) this.watchNew(parent, name, path, "quiet");
    }
  }

  private movedOut(m: HeldMove): void {
    this.emit(m.root, fsEvent("IN_MOVED_FROM", m.path, m.dir, m.root.path));
    const child = m.dir ? m.parent.children.get(m.name) : undefined;
    if (child) this.unwatch(child);
  }

  private onSelf(node: DirNode<Root>, mask: number): void {
    const root = node.root;
    const event = nameOf(mask);
    if (!event) return;
    if (node.parent === undefined) {
      if (mask & (N.IN_DELETE_SELF | N.IN_MOVE_SELF | N.IN_UNMOUNT)) return this.rootGone(root, event);
      return this.emit(root, fsEvent(event, root.path, true, root.path));
    }
    if (mask & (N.IN_DELETE_SELF | N.IN_MOVE_SELF | N.IN_UNMOUNT)) {
      this.emit(root, fsEvent(event, this.tree.path(node), true, root.path));
    }
  }

  private onIgnored(node: DirNode<Root>): void {
    if (node.parent === undefined) return this.rootGone(node.root, "IN_IGNORED");
    this.tree.detach(node);
  }

  private rootGone(root: Root, event: EventName): void {
    if (root.gone) return;
    root.gone = true;
    const name = event === "IN_IGNORED" ? "IN_DELETE_SELF" : event;
    this.deliver(fsEvent(name, root.path, true, root.path, { kind: "gone" }));
    this.dropRoot(root);
  }

  private dropRoot(root: Root): void {
    this.rootsByPath.delete(root.path);
    if (root.node) this.unwatch(root.node);
  }

  private unwatch(node: DirNode<Root>): void {
    for (const wd of this.tree.detach(node)) this.sys!.inotify_rm_watch(this.fd, wd);
  }

  private onOverflow(): void {
    this.counts.overflows++;
    this.moves.flush();
    for (const root of this.rootsByPath.values()) {
      this.deliver({ kind: "overflow", path: root.path, names: ["IN_Q_OVERFLOW"], dir: true, root: root.path });
    }
    if (this.rescanTimer) return;
    const recent = performance.now() - this.lastRescanEnd < 1000;
    this.rescanDelay = recent ? Math.min(this.rescanDelay * 2, RESCAN_MAX_DELAY_MS) : RESCAN_DELAY_MS;
    log.withTag("watch").warn(`inotify queue overflowed: events were lost; rescanning in ${this.rescanDelay} ms`);
    this.rescanTimer = setTimeout(() => this.rescan(), this.rescanDelay);
  }

  private rescan(): void {
    this.rescanTimer = undefined;
    if (this.closed) return;
    for (const root of [...this.rootsByPath.values()]) {
      if (!root.node || root.gone) continue;
      this.scan(root.node, "rescan");
      this.deliver({ kind: "rescanned", path: root.path, names: [], dir: true, root: root.path });
    }
    this.lastRescanEnd = performance.now();
  }

  /** Watch a directory that just appeared, then report what is already inside. */
  private watchNew(parent: DirNode<Root>, name: string, path: string, mode: ScanMode = "new"): void {
    const child = this.watchDir(parent, name, path);
    if (child) this.scan(child, mode);
  }

  private watchDir(parent: DirNode<Root>, name: string, path: string): DirNode<Root> | undefined {
    const root = parent.root;
    const wd = this.sys!.inotify_add_watch(this.fd, cPath(path), root.mask | N.IN_ONLYDIR | N.IN_DONT_FOLLOW);
    if (wd < 0) {
      this.subdirFailed(path, this.sys!.errno());
      return undefined;
    }
    const known = this.tree.get(wd);
    if (known) {
      if (known.parent === parent && known.name === name) return known;
      if (this.tree.path(known) === path || known.parent === undefined) return undefined; // same inode seen twice
      this.tree.move(known, parent, name); // a rename we saw only half of
      return known;
    }
    const old = parent.children.get(name);
    if (old) this.tree.detach(old);
    return this.tree.addChild(wd, parent, name);
  }

  /** Walk below `top`: watch directories; in "new" and "rescan" modes report entries. */
  private scan(top: DirNode<Root>, mode: ScanMode): void {
    const root = top.root;
    const seen = mode === "rescan" ? new Set<DirNode<Root>>([top]) : undefined;
    const stack = [top];
    while (stack.length > 0) {
      const node = stack.pop()!;
      const dirPath = this.tree.path(node);
      let entries;
      try {
        entries = listDir(dirPath);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== "ENOENT" && code !== "ENOTDIR") this.degraded(dirPath, code ?? "EIO", `cannot list: ${(err as Error).message}`);
        continue;
      }
      for (const e of entries) {
        const path = joinPath(dirPath, e.name);
        if (isExcluded(root.filter, path)) continue;
        if (mode !== "quiet") this.reportFound(root, path, e.type === "dir", e.type === "file", mode === "new");
        if (e.type !== "dir" || !root.recursive) continue;
        const child = this.watchDir(node, e.name, path);
        if (!child) continue;
        seen?.add(child);
        stack.push(child);
      }
    }
    if (seen) for (const n of [...this.tree.nodes(top)]) if (!seen.has(n) && n.parent) this.unwatch(n);
  }

  private reportFound(root: Root, path: string, dir: boolean, file: boolean, dedup: boolean): void {
    if (root.events.has("IN_CREATE")) {
      if (dedup) this.ledger.recordCreate(path);
      this.emit(root, fsEvent("IN_CREATE", path, dir, root.path, { synthetic: true }));
    }
    if (file && root.events.has("IN_CLOSE_WRITE")) {
      if (dedup && !this.ledger.recordWrite(path)) return;
      this.emit(root, fsEvent("IN_CLOSE_WRITE", path, false, root.path, { synthetic: true }));
    }
  }

  private emit(root: Root, event: FsEvent): void {
    if (!root.events.has(event.names[0] as EventName) || !isReported(root.filter, event.path)) return;
    this.deliver(event);
  }

  private deliver(event: FsEvent): void {
    this.counts.events++;
    try {
      this.handlers.onEvent(event);
    } catch (err) {
      this.problem({ kind: "error", path: event.path, message: `event handler failed: ${(err as Error).stack ?? err}` });
    }
  }

  private subdirFailed(path: string, errno: number): void {
    if (errno === N.ENOENT || errno === N.ENOTDIR) return; // gone again, or a symlink: nothing to watch
    if (errno !== N.ENOSPC) return this.degraded(path, N.errnoName(errno), `not watched: ${N.errnoName(errno)}`);
    this.counts.degraded++;
    if (this.limitReported) return;
    this.limitReported = true;
    const e = new WatchLimitError("max_user_watches", readLimit("max_user_watches"), path);
    this.problem({ kind: "degraded", path, code: "ENOSPC", message: `${e.message}; directories from here on are not watched. Hint: ${e.hint}` });
  }

  private degraded(path: string, code: string, message: string): void {
    this.counts.degraded++;
    this.problem({ kind: "degraded", path, code, message });
  }

  private problem(p: WatchProblem): void {
    if (this.handlers.onProblem) this.handlers.onProblem(p);
    else log.withTag("watch").warn(`${p.path ? `${p.path}: ` : ""}${p.message}`);
  }

  private rootError(path: string, errno: number): Error {
    const name = N.errnoName(errno);
    switch (errno) {
      case N.ENOSPC:
        return new WatchLimitError("max_user_watches", readLimit("max_user_watches"), path);
      case N.ENOENT:
        return new NativeError("watch", errno, name, path, "check the path for a typo, or create the directory first");
      case N.ENOTDIR:
        return new NativeError("watch", errno, name, path, "seedwatch watches directories; to follow one file, watch its directory with --include");
      case N.EACCES:
      case N.EPERM:
        return new NativeError("watch", errno, name, path, `run as a user who can read it, or check its permissions: ls -ld ${JSON.stringify(path)}`);
      default:
        return new NativeError("inotify_add_watch", errno, name, path);
    }
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
      : { ok: false, detail: `inotify_init1: ${N.errnoName(e)}`, hint: "this kernel or container has no inotify; use --poll" };
  }
  sys.close(fd);
  return { ok: true, detail: "libc loaded, inotify_init1 works" };
}

// --- helpers ---

const BIT_OF = N.EVENT_NAMES as Record<string, number>;
const NAME_OF_BIT = new Map<number, EventName>(
  Object.entries(N.EVENT_NAMES)
    .filter(([n]) => n !== "IN_ISDIR")
    .map(([n, bit]) => [bit, n as EventName]),
);

/** The event's own name: the lowest event bit of the mask. */
function nameOf(mask: number): EventName | undefined {
  const bits = mask & 0xffff;
  return NAME_OF_BIT.get(bits & -bits);
}

function maskOf(events: Iterable<EventName>): number {
  let mask = 0;
  for (const e of events) {
    const bit = BIT_OF[e];
    if (bit === undefined) throw new ConfigError(`unknown event ${e}`, "events", e);
    mask |= bit;
  }
  return mask & N.IN_ALL_EVENTS;
}

function readLimit(name: string): number | undefined {
  try {
    return Number.parseInt(readFileSync(`/proc/sys/fs/inotify/${name}`, "utf8"), 10);
  } catch {
    return undefined;
  }
}
