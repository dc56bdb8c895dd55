// InotifyEngine: the state machine behind InotifyWatcher, fed decoded kernel records.
// It never touches the kernel itself (the watcher passes a Kernel), so every rule here
// can be driven from a test with scripted records.
//
// Theory of operation
// - Every watched directory is a node in a WatchTree keyed by watch descriptor; a record's
//   path is its node's path plus the record's name. Records are handled strictly in
//   kernel order from a RecordQueue, after reading the fd dry: the watcher may be far
//   behind (a loaded machine, a stopped process), and then the queue is the history of
//   what happened while the disk already shows the end of it. What each record means
//   for the tree and for consumers is TreeFollower's (follower.ts).
// - IN_MOVED_FROM is paired with its IN_MOVED_TO where it stands (moves.ts): a paired
//   rename moves the directory's node, and its whole subtree follows; one that left every
//   watched tree is a delete. Nothing behind it is reported before it.
// - A directory that arrives (IN_CREATE, a move in, a rename of a directory we never
//   watched) becomes a pending node that follows later renames, and is watched, then
//   listed, once no queued record can still move it (arrivals.ts). What the listing finds
//   is reported as synthetic IN_CREATE, and the SyntheticLedger drops the kernel's
//   duplicates, so nothing created between the kernel's event and our watch is lost.
//   Files found get a synthetic IN_CLOSE_WRITE only after the queue was read dry twice,
//   if no real one came and nobody has the file open for writing (ledger.ts).
// - IN_Q_OVERFLOW: an overflow event per root, then a rescan (with backoff) that first
//   handles what is queued, then re-lists every root, reports everything as synthetic
//   creates, prunes vanished watches, and ends with a "rescanned" event so consumers can
//   reconcile.

import { realClock, type Clock } from "../clock.ts";
import { CHANGE_EVENTS, fsEvent, type EventName, type FsEvent } from "../events/index.ts";
import { log } from "../log.ts";
import { Arrivals } from "./arrivals.ts";
import { isReported, NO_FILTER } from "./filter.ts";
import { TreeFollower } from "./follower.ts";
import { SyntheticLedger } from "./ledger.ts";
import { pairMove } from "./moves.ts";
import { RecordQueue, type KernelRecord, type QueuedRecord } from "./queue.ts";
import { rootError } from "./root-error.ts";
import { WatchTree, type DirNode } from "./tree.ts";
import { TreeWalker, type WatchRoot } from "./walker.ts";
import { deliverTo, type WatcherHandlers, type WatcherStats, type WatchOptions, type WatchProblem } from "./watcher.ts";

export type { KernelRecord } from "./queue.ts";

/** Records handled between two reads of the kernel queue within one batch. */
export const READ_AHEAD_EVERY = 256;
/** First rescan delay after an overflow; doubled while overflows keep coming. */
const RESCAN_DELAY_MS = 20;
const RESCAN_MAX_DELAY_MS = 5000;
/** Overflows closer together than this count as "still coming". */
const RESCAN_CALM_MS = 1000;
/** Check-and-drain rounds per settle, and the retry when a busy queue leaves work over. */
const SETTLE_ROUNDS = 8;
const SETTLE_RETRY_MS = 10;
/** Reads-then-handle rounds before a queue that never empties counts as busy. */
const CATCH_UP_ROUNDS = 4;

/** What the engine needs from the kernel. */
export interface Kernel {
  /** Watch a directory with `root`'s events: the wd, or an errno name ("ENOSPC"). */
  addWatch(path: string, root: WatchRoot, isRoot: boolean): number | string;
  rmWatch(wd: number): void;
  /** True when a writer has the file open; undefined when that cannot be told. */
  beingWritten(path: string): boolean | undefined;
  /** Read the kernel queue down to EAGAIN, handing records to `feed`; true when it got there. */
  drain(): boolean;
}

type Node = DirNode<WatchRoot>;

export class InotifyEngine {
  private readonly tree = new WatchTree<WatchRoot>();
  private readonly rootsByPath = new Map<string, WatchRoot>();
  private readonly ledger = new SyntheticLedger<WatchRoot>();
  private readonly queue = new RecordQueue();
  private readonly walker: TreeWalker;
  private readonly arrivals: Arrivals;
  private readonly follower: TreeFollower;
  private readonly counts = { overflows: 0, events: 0 };
  /** An overflow met while a rescan read the queue, to be said after that rescan. */
  private overflowInRescan = false;
  private pumping = false;
  private rescanning = false;
  private stallTimer: unknown;
  private rescanTimer: unknown;
  private settleTimer: unknown;
  private rescanDelay = RESCAN_DELAY_MS;
  private lastRescanEnd = -Infinity;

  constructor(
    private readonly kernel: Kernel,
    private readonly handlers: WatcherHandlers,
    /** The move window, the rescan delay and the settle retry run on it (tests pass a FakeClock). */
    private readonly clock: Clock = realClock,
  ) {
    const { tree, ledger } = this;
    const addWatch = (path: string, root: WatchRoot) => kernel.addWatch(path, root, false);
    const unwatch = (node: Node) => this.follower.unwatch(node);
    const emit = (root: WatchRoot, event: FsEvent) => this.emit(root, event);
    this.walker = new TreeWalker({
      tree,
      ledger,
      addWatch,
      unwatch,
      emit,
      problem: (p) => this.problem(p),
      park: (node) => this.arrivals.park(node),
      relocated: (node, from, report) => this.follower.relocated(node, from, report),
    });
    this.arrivals = new Arrivals({ tree, walker: this.walker, addWatch, unwatch });
    this.queue.onSettled = this.arrivals.settled;
    this.follower = new TreeFollower({
      tree,
      ledger,
      arrivals: this.arrivals,
      rootsByPath: this.rootsByPath,
      rmWatch: (wd) => kernel.rmWatch(wd),
      emit,
      deliver: (event) => this.deliver(event),
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
    if (root) this.follower.dropRoot(root);
  }

  roots(): string[] {
    return [...this.rootsByPath.keys()];
  }

  stats(): WatcherStats {
    return { roots: this.rootsByPath.size, watches: this.tree.size, degraded: this.walker.degraded, ...this.counts };
  }

  /** Records just read, in kernel order; `pump` handles them. */
  feed(records: Iterable<KernelRecord>): void {
    const now = this.clock.now();
    for (const r of records) this.queue.push(r, now);
  }

  /**
   * Handle what was fed: read the fd dry, handle every record, resolve arrivals, then
   * settle synthetic writes between two more drains (ledger.ts). Called after each chunk
   * and from the engine's own timers (see the drain rules in inotify.ts).
   */
  pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      if (!this.catchUp()) return this.retryLater();
      for (let round = 0; round < SETTLE_ROUNDS && this.ledger.size > 0; round++) {
        if (!this.catchUp()) break;
        this.ledger.check((p) => this.kernel.beingWritten(p));
        if (!this.catchUp()) break;
        for (const [path, root] of this.ledger.takeDue()) {
          this.emit(root, fsEvent("IN_CLOSE_WRITE", path, false, root.path, { synthetic: true }));
        }
      }
      if (this.ledger.size > 0) this.retryLater();
    } finally {
      this.pumping = false;
    }
  }

  stop(): void {
    this.clock.clearTimeout(this.stallTimer);
    this.clock.clearTimeout(this.rescanTimer);
    this.clock.clearTimeout(this.settleTimer);
    this.queue.clear();
  }

  problem(p: WatchProblem): void {
    if (this.handlers.onProblem) this.handlers.onProblem(p);
    else log.withTag("watch").warn(`${p.path ? `${p.path}: ` : ""}${p.message}`);
  }

  // --- internal ---

  /**
   * Read the fd dry and handle everything, until a drain came after the last listing (so
   * every event queued before a listing has been handled: ledger.ts). False when a move
   * waits, or reads and listings never ended.
   */
  private catchUp(): boolean {
    for (let round = 0; round < CATCH_UP_ROUNDS; round++) {
      const listings = this.walker.listings;
      const emptied = this.kernel.drain();
      if (!this.handleQueued()) return false;
      if (!this.rescanTimer && !this.rescanning) this.arrivals.resolve(this.queue);
      if (emptied && this.walker.listings === listings) return true;
    }
    return false;
  }

  private retryLater(): void {
    if (this.stallTimer || this.settleTimer) return;
    this.settleTimer = this.clock.setTimeout(() => {
      this.settleTimer = undefined;
      this.pump();
    }, SETTLE_RETRY_MS);
  }

  /** Handle queued records in order; false when an IN_MOVED_FROM waits for its partner. */
  private handleQueued(): boolean {
    let handled = 0;
    for (let r = this.queue.peek(); r; r = this.queue.peek()) {
      // A long batch (slow consumers, a loaded CPU) reads the kernel queue as it goes, so
      // the kernel's bounded queue does not overflow while this thread is busy here.
      if (++handled % READ_AHEAD_EVERY === 0) this.kernel.drain();
      try {
        if (!this.handle(r)) return false;
        if (this.arrivals.due && !this.rescanTimer && !this.rescanning) this.arrivals.resolve(this.queue);
      } catch (err) {
        if (this.queue.peek() === r) this.queue.shift(); // never the same failure twice
        this.problem({ kind: "error", path: "", message: `event handling failed: ${(err as Error).stack ?? err}` });
      }
    }
    return true;
  }

  /** Handle the record at the head of the queue; false when it must wait (moves.ts). */
  private handle(r: QueuedRecord): boolean {
    const from = r.event === "IN_MOVED_FROM" ? this.follower.named(r) : undefined;
    if (!from) {
      this.queue.shift();
      if (r.event === "IN_Q_OVERFLOW") this.onOverflow();
      else this.follower.follow(r);
      return true;
    }
    const pairing = pairMove(r, this.queue, () => this.kernel.drain(), this.clock.now());
    if (pairing.kind === "wait") {
      this.stallTimer ??= this.clock.setTimeout(
        () => {
          this.stallTimer = undefined;
          this.pump();
        },
        Math.max(0, pairing.until - this.clock.now()),
      );
      return false;
    }
    this.queue.shift();
    const to = pairing.kind === "paired" ? this.follower.named(pairing.to) : undefined;
    if (to) this.follower.moved(from, to, r.dir);
    else this.follower.movedOut(from, r.dir);
    return true;
  }

  private onOverflow(): void {
    this.counts.overflows++;
    // Met while a rescan reads the queue: said once that rescan has said "rescanned", so a
    // consumer always sees overflow, the rescan's listing, rescanned, in that order.
    if (this.rescanning) this.overflowInRescan = true;
    else this.announceOverflow();
  }

  /** An overflow event per root, and a rescan (with backoff while they keep coming). */
  private announceOverflow(): void {
    for (const root of this.rootsByPath.values()) {
      this.deliver({ kind: "overflow", path: root.path, names: ["IN_Q_OVERFLOW"], dir: true, root: root.path });
    }
    if (this.rescanTimer) return;
    const stillComing = this.clock.now() - this.lastRescanEnd < RESCAN_CALM_MS;
    this.rescanDelay = stillComing ? Math.min(this.rescanDelay * 2, RESCAN_MAX_DELAY_MS) : RESCAN_DELAY_MS;
    log.withTag("watch").warn(`inotify queue overflowed: events were lost; rescanning in ${this.rescanDelay} ms`);
    this.rescanTimer = this.clock.setTimeout(() => this.rescan(), this.rescanDelay);
  }

  /** List every root again, after handling what is queued, so the listing is as new as the events. */
  private rescan(): void {
    this.rescanTimer = undefined;
    this.rescanning = true;
    try {
      if (!this.pumping) this.catchUp();
      this.arrivals.clear();
      for (const root of [...this.rootsByPath.values()]) {
        if (!root.node || root.gone) continue;
        this.walker.scan(root.node, "rescan");
        this.deliver({ kind: "rescanned", path: root.path, names: [], dir: true, root: root.path });
      }
    } finally {
      this.rescanning = false;
    }
    this.lastRescanEnd = this.clock.now();
    if (this.overflowInRescan) {
      this.overflowInRescan = false;
      this.announceOverflow();
    }
    this.pump();
  }

  private emit(root: WatchRoot, event: FsEvent): void {
    if (!root.events.has(event.names[0] as EventName) || !isReported(root.filter, event.path)) return;
    this.deliver(event);
  }

  private deliver(event: FsEvent): void {
    this.counts.events++;
    deliverTo(this.handlers, event, (p) => this.problem(p));
  }
}
