// InotifyEngine: the state machine behind InotifyWatcher, fed decoded kernel records.
// It never touches the kernel itself (the watcher passes a Kernel), so every rule here
// can be driven from a test with scripted records.
//
// Theory of operation
// - Every watched directory is a node in a WatchTree keyed by watch descriptor; a record's
//   path is its node's path plus the record's name.
// - A new directory (IN_CREATE or a move in) is watched first, then listed (TreeWalker);
//   what the listing finds is reported as synthetic IN_CREATE, and the SyntheticLedger
//   drops the kernel's duplicates, so nothing created between the kernel's event and our
//   watch is lost. Files found get a synthetic IN_CLOSE_WRITE only in `settle()`, between
//   two reads of the fd down to EAGAIN, and only if no real one came and nobody has the
//   file open for writing (ledger.ts).
// - IN_MOVED_FROM waits in a MovePairer for its IN_MOVED_TO. Paired: both halves are
//   reported with from/to, and a moved directory's node is re-parented (its whole subtree
//   follows). Unpaired after the window: moved out, reported as a delete, watches dropped.
// - IN_Q_OVERFLOW: an overflow event per root, then a rescan (with backoff) that re-lists
//   every root, reports everything as synthetic creates, prunes vanished watches, and ends
//   with a "rescanned" event so consumers can reconcile.
// - A root deleted, moved or unmounted: its watches are dropped, then a "gone" event.

import { CHANGE_EVENTS, decodePath, fsEvent, joinPath, type EventName, type FsEvent } from "../events/index.ts";
import { log } from "../log.ts";
import { isExcluded, isReported, NO_FILTER } from "./filter.ts";
import { SyntheticLedger } from "./ledger.ts";
import { MovePairer } from "./moves.ts";
import { rootError } from "./root-error.ts";
import { WatchTree, type DirNode } from "./tree.ts";
import { TreeWalker, type WatchRoot } from "./walker.ts";
import type { WatcherHandlers, WatcherStats, WatchOptions, WatchProblem } from "./watcher.ts";

/** First rescan delay after an overflow; doubled while overflows keep coming. */
const RESCAN_DELAY_MS = 20;
const RESCAN_MAX_DELAY_MS = 5000;
/** Overflows closer together than this count as "still coming". */
const RESCAN_CALM_MS = 1000;
/** Check-and-drain rounds per settle, and the retry when a busy queue leaves work over. */
const SETTLE_ROUNDS = 8;
const SETTLE_RETRY_MS = 10;

/** What the engine needs from the kernel. */
export interface Kernel {
  /** Watch a directory with `root`'s events: the wd, or an errno name ("ENOSPC"). */
  addWatch(path: string, root: WatchRoot, isRoot: boolean): number | string;
  rmWatch(wd: number): void;
  /** True when a writer has the file open; undefined when that cannot be told. */
  beingWritten(path: string): boolean | undefined;
}

/** One kernel record, decoded: `event` is its name (undefined for bits we do not know). */
export interface KernelRecord {
  wd: number;
  event: EventName | undefined;
  dir: boolean;
  cookie: number;
  name: Uint8Array;
}

interface HeldMove {
  root: WatchRoot;
  parent: DirNode<WatchRoot>;
  name: string;
  path: string;
  dir: boolean;
}

export class InotifyEngine {
  private readonly tree = new WatchTree<WatchRoot>();
  private readonly rootsByPath = new Map<string, WatchRoot>();
  private readonly ledger = new SyntheticLedger<WatchRoot>();
  private readonly moves = new MovePairer<HeldMove>((m) => this.movedOut(m));
  private readonly walker: TreeWalker;
  private readonly counts = { overflows: 0, events: 0 };
  private rescanTimer: ReturnType<typeof setTimeout> | undefined;
  private settleTimer: ReturnType<typeof setTimeout> | undefined;
  private rescanDelay = RESCAN_DELAY_MS;
  private lastRescanEnd = -Infinity;

  constructor(
    private readonly kernel: Kernel,
    private readonly handlers: WatcherHandlers,
  ) {
    this.walker = new TreeWalker({
      tree: this.tree,
      ledger: this.ledger,
      addWatch: (path, root) => kernel.addWatch(path, root, false),
      unwatch: (node) => this.unwatch(node),
      emit: (root, event) => this.emit(root, event),
      problem: (p) => this.problem(p),
    });
  }

  /** Watch a root; throws the SeedError for a root that cannot be watched. */
  addRoot(path: string, options: WatchOptions): void {
    if (this.rootsByPath.has(path)) return;
    const root: WatchRoot = {
      path,
      recursive: options.recursive ?? true,
      autoAdd: options.autoAdd ?? true,
      events: new Set(options.events ?? CHANGE_EVENTS),
      filter: options.filter ?? NO_FILTER,
      gone: false,
    };
    const wd = this.kernel.addWatch(path, root, true);
    if (typeof wd === "string") throw rootError(path, wd);
    root.node = this.tree.addRoot(wd, path, root);
    this.rootsByPath.set(path, root);
    if (root.recursive) this.walker.scan(root.node, "quiet");
  }

  removeRoot(path: string): void {
    const root = this.rootsByPath.get(path);
    if (root) this.dropRoot(root);
  }

  roots(): string[] {
    return [...this.rootsByPath.keys()];
  }

  stats(): WatcherStats {
    return { roots: this.rootsByPath.size, watches: this.tree.size, degraded: this.walker.degraded, ...this.counts };
  }

  onRecord(r: KernelRecord): void {
    if (r.event === "IN_Q_OVERFLOW") return this.onOverflow();
    const node = this.tree.get(r.wd);
    if (!node || !r.event) return; // a watch we dropped: its last events are moot
    if (r.event === "IN_IGNORED") return this.onIgnored(node);
    if (r.name.length === 0) return this.onSelf(node, r.event);
    const root = node.root;
    const name = decodePath(r.name);
    const path = joinPath(this.tree.path(node), name);
    if (isExcluded(root.filter, path)) return;
    switch (r.event) {
      case "IN_MOVED_FROM":
        this.ledger.forget(path);
        return this.moves.hold(r.cookie, { root, parent: node, name, path, dir: r.dir });
      case "IN_MOVED_TO":
        return this.movedTo(node, name, path, r.dir, r.cookie);
      case "IN_CREATE":
        if (this.ledger.takeCreate(path)) return;
        this.emit(root, fsEvent("IN_CREATE", path, r.dir, root.path));
        if (r.dir && root.recursive && root.autoAdd) this.walker.watchNew(node, name, path);
        return;
      case "IN_DELETE": {
        this.ledger.forget(path);
        const child = node.children.get(name);
        if (r.dir && child) this.tree.detach(child);
        break;
      }
      case "IN_CLOSE_WRITE":
        this.ledger.realWrite(path);
        break;
    }
    this.emit(root, fsEvent(r.event, path, r.dir, root.path));
  }

  /**
   * After a batch. `drain()` reads the kernel queue down to EAGAIN (feeding onRecord) and
   * says whether it got there; synthetic writes are settled between two drains (ledger.ts).
   */
  settle(drain: () => boolean): void {
    // Scans during a drain record new candidates for the next round; a quiet queue ends
    // the rounds quickly. What a busy queue leaves over is retried on a timer, since no
    // further chunk may come.
    for (let round = 0; round < SETTLE_ROUNDS && this.ledger.size > 0; round++) {
      if (!drain()) break;
      this.ledger.check((p) => this.kernel.beingWritten(p));
      if (!drain()) break;
      for (const [path, root] of this.ledger.takeDue()) {
        this.emit(root, fsEvent("IN_CLOSE_WRITE", path, false, root.path, { synthetic: true }));
      }
    }
    if (this.ledger.size > 0 && !this.settleTimer) {
      this.settleTimer = setTimeout(() => {
        this.settleTimer = undefined;
        this.settle(drain);
      }, SETTLE_RETRY_MS);
    }
    this.moves.settle();
  }

  stop(): void {
    this.moves.stop();
    clearTimeout(this.rescanTimer);
    clearTimeout(this.settleTimer);
  }

  problem(p: WatchProblem): void {
    if (this.handlers.onProblem) this.handlers.onProblem(p);
    else log.withTag("watch").warn(`${p.path ? `${p.path}: ` : ""}${p.message}`);
  }

  // --- internal ---

  private movedTo(parent: DirNode<WatchRoot>, name: string, path: string, dir: boolean, cookie: number): void {
    const root = parent.root;
    const from = this.moves.take(cookie);
    if (!from) {
      this.emit(root, fsEvent("IN_MOVED_TO", path, dir, root.path));
      if (dir && root.recursive && root.autoAdd) this.walker.watchNew(parent, name, path);
      return;
    }
    this.emit(from.root, fsEvent("IN_MOVED_FROM", from.path, dir, from.root.path, { kind: "move", to: path }));
    this.emit(root, fsEvent("IN_MOVED_TO", path, dir, root.path, { kind: "move", from: from.path }));
    if (!dir) return;
    const moved = from.parent.children.get(from.name);
    if (moved && from.root === root) this.tree.move(moved, parent, name);
    else {
      if (moved) this.unwatch(moved);
      if (root.recursive && root.autoAdd) this.walker.watchNew(parent, name, path, "quiet");
    }
  }

  private movedOut(m: HeldMove): void {
    this.emit(m.root, fsEvent("IN_MOVED_FROM", m.path, m.dir, m.root.path));
    const child = m.dir ? m.parent.children.get(m.name) : undefined;
    if (child) this.unwatch(child);
  }

  /** An event on a watched directory itself (no name). */
  private onSelf(node: DirNode<WatchRoot>, event: EventName): void {
    const root = node.root;
    const ending = event === "IN_DELETE_SELF" || event === "IN_MOVE_SELF" || event === "IN_UNMOUNT";
    if (node.parent === undefined) {
      if (ending) this.rootGone(root, event);
      else this.emit(root, fsEvent(event, root.path, true, root.path));
    } else if (ending) this.emit(root, fsEvent(event, this.tree.path(node), true, root.path));
  }

  private onIgnored(node: DirNode<WatchRoot>): void {
    if (node.parent === undefined) this.rootGone(node.root, "IN_DELETE_SELF");
    else this.tree.detach(node);
  }

  private rootGone(root: WatchRoot, event: EventName): void {
    if (root.gone) return;
    root.gone = true;
    this.dropRoot(root); // first, so a consumer sees roots() without it
    this.deliver(fsEvent(event, root.path, true, root.path, { kind: "gone" }));
  }

  private dropRoot(root: WatchRoot): void {
    this.rootsByPath.delete(root.path);
    if (root.node) this.unwatch(root.node);
  }

  private unwatch(node: DirNode<WatchRoot>): void {
    for (const wd of this.tree.detach(node)) this.kernel.rmWatch(wd);
  }

  private onOverflow(): void {
    this.counts.overflows++;
    this.moves.flush();
    for (const root of this.rootsByPath.values()) {
      this.deliver({ kind: "overflow", path: root.path, names: ["IN_Q_OVERFLOW"], dir: true, root: root.path });
    }
    if (this.rescanTimer) return;
    const stillComing = performance.now() - this.lastRescanEnd < RESCAN_CALM_MS;
    this.rescanDelay = stillComing ? Math.min(this.rescanDelay * 2, RESCAN_MAX_DELAY_MS) : RESCAN_DELAY_MS;
    log.withTag("watch").warn(`inotify queue overflowed: events were lost; rescanning in ${this.rescanDelay} ms`);
    this.rescanTimer = setTimeout(() => this.rescan(), this.rescanDelay);
  }

  private rescan(): void {
    this.rescanTimer = undefined;
    for (const root of [...this.rootsByPath.values()]) {
      if (!root.node || root.gone) continue;
      this.walker.scan(root.node, "rescan");
      this.deliver({ kind: "rescanned", path: root.path, names: [], dir: true, root: root.path });
    }
    this.lastRescanEnd = performance.now();
  }

  private emit(root: WatchRoot, event: FsEvent): void {
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
}
