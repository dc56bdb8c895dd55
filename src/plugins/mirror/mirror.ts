// MirrorPlugin: keeps a replica of one watched root, from its events.
//
// Theory of operation
// - init comes once the watch is in place; the first work is then an incremental
//   reconcile (compare, copy what differs, remove extras). Events that arrive meanwhile
//   queue behind it, so nothing changed during the copy is lost (iObserver removed the
//   whole mirror and copied everything again, before its watch existed).
// - Events only say which paths to look at; each piece of work looks at the source as it
//   is when it runs (replica.ts). The exception is a rename within the root: it is a
//   rename in the replica (no data copied), then a quick check of what was renamed.
//   Work that found its path gone, and folders walked before the watcher may have had
//   them, get a second look (second-looks.ts); unclosed files, failures and folders to
//   settle follow renamed folders too (pending.ts), as the queue reaches each rename.
//   Work that handling an event gives rise to (a rename that must be a copy) runs next,
//   before the events queued behind it, since it names paths as that event does. Held
//   deletions are applied once the queue is empty, so they follow renames as the events
//   arrive.
// - A file is copied when its writer closes it; one created and not closed (a hard link,
//   a file still being written) is copied once nobody has it open for writing.
// - Deletions wait until deletions have been quiet for DELETE_QUIET_MS: `rm -rf SOURCE`
//   deletes everything inside before the root itself goes, and a mirror must not be
//   emptied by that. When the root goes (deleted, moved away, unmounted), held deletions
//   are dropped, mirroring stops and says so, and the replica is left as it is.
// - overflow: events were lost; what the rescan lists is ignored and the whole root is
//   reconciled once `rescanned` comes.
// - After each batch of work, folders whose entries changed get their mode and times;
//   failures (disk full, permission) are logged per path and tried again with backoff.

import { lstatSync } from "node:fs";
import type { EventName, FsEvent } from "../../events/index.ts";
import { pathBelow, showPath } from "../../events/index.ts";
import { fsPath } from "../../fs/path.ts";
import { log } from "../../log.ts";
import type { BuiltinHost } from "../builtins.ts";
import type { AttachedPlugin } from "../plugin.ts";
import type { Excludes } from "./exclude.ts";
import { failedAgain, PathMap, type Failure } from "./pending.ts";
import { relParent, type Outcome, type Replica } from "./replica.ts";
import { SecondLooks } from "./second-looks.ts";

/** Deletions are applied once none came for this long (and the root is still there). */
export const DELETE_QUIET_MS = 300;
/** …or once the oldest has waited this long. */
export const DELETE_MAX_HOLD_MS = 30_000;
/** A created file with no close yet is looked at after this long. */
const CREATE_SETTLE_MS = 100;
/** A file found open for writing is looked at again after this long (its close may never come). */
const BUSY_RECHECK_MS = 5000;
/** Work items between two breaths of the event loop. */
const BREATHE_EVERY = 200;
/** Work items after which folders are settled and deletions looked at, even if more is queued. */
const BETWEEN_EVERY = 2000;
/** Failures logged one by one per episode; the rest are counted. */
const LOG_FAILURES = 20;

export const MIRROR_EVENTS: EventName[] = [
  "IN_CREATE",
  "IN_ATTRIB",
  "IN_CLOSE_WRITE",
  "IN_MOVED_FROM",
  "IN_MOVED_TO",
  "IN_DELETE",
];

type Work =
  /** again: a missed path, there again; check: a walk compared again (second-looks.ts). */
  | { op: "tree"; rel: string; pass?: "again" | "check" }
  | { op: "sync"; rel: string; force: boolean }
  | { op: "created"; rel: string }
  | { op: "move"; from: string; to: string; dir: boolean };

export class MirrorPlugin implements AttachedPlugin {
  readonly label = "mirror";
  readonly events: ReadonlySet<EventName> = new Set(MIRROR_EVENTS);
  private readonly queue: Work[] = [];
  private readonly held = new PathMap<number>();
  private readonly awaiting = new PathMap<number>();
  private readonly failed = new PathMap<Failure>();
  /** Folders whose entries changed: settled after each batch; they follow renames too. */
  private readonly dirty = new PathMap<true>();
  private readonly looks = new SecondLooks();
  private state: "new" | "running" | "stopped" = "new";
  private working = false;
  private overflowed = false;
  private lastDelete = 0;
  private heldSince = 0;
  private failures = 0;
  private rootId: string | undefined;
  private timer: unknown;
  private idleWaiters: (() => void)[] = [];
  private readonly log = log.withTag("mirror");

  constructor(
    private readonly replica: Replica,
    private readonly excludes: Excludes,
    private readonly host: BuiltinHost,
  ) {}

  init(): void {
    this.state = "running";
    this.queue.push({ op: "tree", rel: "" });
    this.kick();
  }

  event(ev: FsEvent): void {
    if (this.state !== "running") return;
    if (ev.kind === "gone") return this.rootGone(ev);
    if (ev.kind === "overflow") {
      this.overflowed = true;
      return this.log.warn(`${this.host.root}: events were lost; the mirror is compared again after the rescan`);
    }
    if (ev.kind === "rescanned") {
      this.overflowed = false;
      return this.push({ op: "tree", rel: "" });
    }
    if (ev.synthetic && this.overflowed) return; // the rescan's listing: the comparison after it covers it
    const rel = this.relOf(ev.path);
    if (rel === "" && ev.kind === "attrib") return this.push({ op: "sync", rel, force: false }); // the top's own mode
    if (rel === undefined || rel === "") return;
    if (ev.kind === "move") return this.onMove(ev, rel);
    if (this.excludes.excludes(rel, ev.dir)) return;
    switch (ev.kind) {
      case "delete":
        return this.leave(rel);
      case "create":
        if (ev.names[0] === "IN_MOVED_TO") return this.arrive(rel, ev.dir);
        return this.push(ev.dir ? { op: "sync", rel, force: false } : { op: "created", rel });
      case "write":
        return this.push({ op: "sync", rel, force: !ev.synthetic });
      case "attrib":
        return this.push({ op: "sync", rel, force: false });
    }
  }

  reconfig(): void {
    // Options that change the replica make it another mirror: runtime.ts attaches a new one.
  }

  dead(why: string): void {
    if (this.state !== "running") return;
    this.state = "stopped";
    const left = this.queue.length + this.held.size + this.awaiting.size;
    this.log.info(
      `${this.host.root} → ${this.replica.destination}: stopped (${why})` +
        `${left ? `; ${left} changes not mirrored yet are found by the next start's comparison` : ""}`,
    );
    this.clear();
  }

  idle(): Promise<void> {
    if (!this.working && (this.state !== "running" || this.queue.length === 0)) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  // --- events to work ---

  private onMove(ev: FsEvent, rel: string): void {
    if (ev.to !== undefined) {
      // The IN_MOVED_FROM half: the other half does the rename, unless it leaves this mirror.
      const to = this.relOf(ev.to);
      if (!this.excludes.excludes(rel, ev.dir) && (to === undefined || this.excludes.excludes(to, ev.dir)))
        this.leave(rel);
      return;
    }
    if (this.excludes.excludes(rel, ev.dir)) return;
    const from = ev.from === undefined ? undefined : this.relOf(ev.from);
    if (from === undefined || from === "" || this.excludes.excludes(from, ev.dir)) return this.arrive(rel, ev.dir);
    this.held.rename(from, rel);
    this.push({ op: "move", from, to: rel, dir: ev.dir });
  }

  /** Moved in from outside: copied (a folder with all it holds). */
  private arrive(rel: string, dir: boolean): void {
    this.push(dir ? { op: "tree", rel } : { op: "sync", rel, force: false });
  }

  /** Deleted or moved out: held back, then removed if the source still lacks it. */
  private leave(rel: string): void {
    this.lastDelete = this.host.clock.now();
    if (this.held.size === 0) this.heldSince = this.lastDelete;
    this.held.set(rel, this.lastDelete);
    this.kick();
  }

  private push(w: Work): void {
    this.queue.push(w);
    this.kick();
  }

  /** Work that names paths as the event being handled does: done before the events queued behind it. */
  private next(w: Work): void {
    this.queue.unshift(w);
    this.kick();
  }

  // --- the worker ---

  private kick(): void {
    if (!this.working && this.state === "running") void this.work();
  }

  private async work(): Promise<void> {
    this.working = true;
    try {
      if (this.rootId === undefined && !(await this.prepare())) return;
      for (let n = 1; this.state === "running"; n++) {
        const w = this.queue.shift();
        if (w) await this.run(w);
        else if (!this.between(true)) break;
        if (n % BETWEEN_EVERY === 0) this.between(false);
        if (n % BREATHE_EVERY === 0) await breathe();
      }
    } finally {
      this.working = false;
      this.schedule();
      if (this.state !== "running" || this.queue.length === 0) for (const r of this.idleWaiters.splice(0)) r();
    }
  }

  private async prepare(): Promise<boolean> {
    try {
      await this.replica.prepare();
      this.rootId = identity(this.host.root);
    } catch (err) {
      this.log.error(`${this.host.root} → ${this.replica.destination}: cannot mirror: ${(err as Error).message}`);
      this.state = "stopped";
      this.clear();
      return false;
    }
    return this.rootId !== undefined;
  }

  private async run(w: Work): Promise<void> {
    switch (w.op) {
      case "tree":
        return this.tree(w.rel, w.pass);
      case "sync":
        return this.sync(w.rel, w.force);
      case "created":
        return this.created(w.rel);
      case "move":
        return this.move(w.from, w.to, w.dir);
    }
  }

  private async tree(rel: string, pass?: "again" | "check"): Promise<void> {
    const started = this.host.clock.now();
    const before = { ...this.replica.tally };
    if (rel === "") this.log.info(`${this.host.root} → ${this.replica.destination}: comparing`);
    await this.replica.reconcile(rel, {
      stopped: () => this.state !== "running",
      breathe,
      busy: (r) => this.awaiting.set(r, this.host.clock.now()),
      missing: (r) => this.looks.missing(r, pass !== undefined),
      failed: (r, err) => this.fail(r, "sync", err),
    });
    this.dirty.set(relParent(rel), true);
    if (pass !== "check") this.looks.walkedAt(rel, this.host.clock.now());
    if (rel !== "" || this.state !== "running") return;
    const t = this.replica.tally;
    const s = ((this.host.clock.now() - started) / 1000).toFixed(1);
    this.log.info(
      `${this.host.root} → ${this.replica.destination}: ` +
        `compared in ${s} s: ${t.copied - before.copied} copied (${t.bytes - before.bytes} bytes), ` +
        `${t.removed - before.removed} removed`,
    );
  }

  private sync(rel: string, force: boolean): void {
    if (force) this.awaiting.delete(rel); // its close came
    this.settled(rel, "sync", this.replica.sync(rel, force));
  }

  private created(rel: string): void {
    const st = this.srcStat(rel);
    if (!st) return this.looks.missing(rel);
    if (st.isFile() && st.nlink === 1)
      this.awaiting.set(rel, this.host.clock.now()); // its close is coming
    else this.sync(rel, false);
  }

  private move(from: string, to: string, dir: boolean): void {
    const r = this.replica.move(from, to);
    for (const set of [this.awaiting, this.failed, this.dirty] as PathMap<unknown>[]) set.rename(from, to);
    // The source has `from` again (a new folder by that name: log rotation): work done
    // before this rename looked at the new one, and may have put its entries in the
    // folder just renamed. It is compared whole.
    const reused = dir && r === "done" && this.srcStat(from) !== undefined;
    const after = this.looks.renamed(from, to, dir && typeof r !== "object", reused);
    for (const p of after.settle) this.dirty.set(p, true);
    if (r === "absent") {
      this.settled(from, "remove", this.replica.remove(from));
      // Next, not last: the queue behind holds later events, which may rename `to` again.
      return dir ? this.next({ op: "tree", rel: to }) : this.sync(to, false);
    }
    if (typeof r === "object") {
      for (const p of after.redo) this.looks.missing(p, true);
      return this.fail(to, "sync", r.error);
    }
    this.dirty.set(relParent(from), true);
    this.dirty.set(relParent(to), true);
    if (!dir) return this.sync(to, false); // a quick check: written just before the rename?
    if (after.whole) return this.next({ op: "tree", rel: to });
    for (const p of after.redo) {
      if (this.srcStat(p)?.isDirectory()) this.next({ op: "tree", rel: p });
      else this.sync(p, false);
    }
  }

  /**
   * Between batches: folders settled, unclosed files looked at, retries; held deletions
   * only when the queue is `drained` (they name paths as the newest events do).
   */
  private between(drained: boolean): boolean {
    const now = this.host.clock.now();
    for (const [rel, since] of this.awaiting.entries()) {
      if (now - since < CREATE_SETTLE_MS) continue;
      this.awaiting.delete(rel);
      const o = this.replica.sync(rel, false);
      if (o === "busy") this.awaiting.set(rel, now + BUSY_RECHECK_MS - CREATE_SETTLE_MS);
      else this.settled(rel, "sync", o);
    }
    if (drained) this.secondLooks(now);
    if (
      drained &&
      this.held.size &&
      (now - this.lastDelete >= DELETE_QUIET_MS || now - this.heldSince >= DELETE_MAX_HOLD_MS)
    )
      this.applyHeld();
    for (const [rel, f] of this.failed.entries()) {
      if (f.due > now) continue;
      this.failed.delete(rel);
      this.settled(rel, f.op, f.op === "sync" ? this.replica.sync(rel, true) : this.replica.remove(rel), f);
    }
    // last: what was just done changed folders too
    const elsewhere = this.replica.settle(this.dirty.entries().map(([rel]) => rel));
    this.dirty.clear();
    this.looks.elsewhere(elsewhere);
    void this.replica.flush?.();
    return this.queue.length > 0;
  }

  private applyHeld(): void {
    if (identity(this.host.root) !== this.rootId) return; // going: the gone event follows
    for (const [rel] of this.held.entries()) {
      this.held.delete(rel);
      const st = this.srcStat(rel);
      if (st)
        this.push(st.isDirectory() ? { op: "tree", rel } : { op: "sync", rel, force: false }); // there again
      else {
        this.settled(rel, "remove", this.replica.remove(rel));
        this.looks.dropUnder(rel);
      }
    }
  }

  /** What an outcome means: folders to settle, a path to remember, a failure to retry. */
  private settled(rel: string, op: Failure["op"], o: Outcome, before?: Failure): void {
    if (o === "done" || o === "busy") {
      if (o === "busy") this.awaiting.set(rel, this.host.clock.now() + BUSY_RECHECK_MS);
      this.dirty.set(relParent(rel), true);
      if (op === "sync") this.dirty.set(rel, true);
      if (before && o === "done") this.log.info(`${showPath(rel)}: mirrored after ${before.tries + 1} tries`);
      return;
    }
    if (o === "missing") return void (op === "sync" && this.looks.missing(rel));
    this.fail(rel, op, o.error, before);
  }

  private fail(rel: string, op: Failure["op"], err: NodeJS.ErrnoException, before = this.failed.get(rel)): void {
    const f = failedAgain(before, op, err.code ?? "EIO", this.host.clock.now());
    this.failed.set(rel, f);
    if (f.tries > 1) return;
    if (++this.failures <= LOG_FAILURES)
      this.log.warn(
        `${this.host.root}: cannot ${op === "sync" ? "copy" : "remove"} ${showPath(rel)} ` +
          `in ${this.replica.destination}: ${err.code ?? err.message}; tried again, with backoff`,
      );
    else if (this.failures === LOG_FAILURES + 1)
      this.log.warn(`${this.host.root}: more paths fail; counted, not listed`);
  }

  /**
   * The queue drained: every event read so far is handled. A path missed since then that
   * the source has again at the same place, not redone by a rename, is done now: what made
   * it look gone has passed. Folders walked a while ago are compared again, once no
   * deletion is held.
   */
  private secondLooks(now: number): void {
    for (const rel of this.looks.recentlyMissed()) {
      const st = this.srcStat(rel);
      if (!st) {
        this.looks.missing(rel, true); // still gone: a rename may explain it
        continue;
      }
      this.log.debug(`${this.host.root}: ${showPath(rel)} was missing and is there: mirrored now`);
      if (st.isDirectory()) {
        this.push({ op: "tree", rel, pass: "again" });
        continue;
      }
      const o = this.replica.sync(rel, false);
      if (o === "missing") this.looks.missing(rel, true);
      else this.settled(rel, "sync", o);
    }
    // A comparison removes what the source lacks: not while deletions are held (an
    // `rm -rf` under way must not empty the mirror), nor once the root is going.
    const due = this.looks.nextDue();
    if (due === undefined || due > now || this.held.size > 0 || identity(this.host.root) !== this.rootId) return;
    for (const rel of this.looks.dueWalks(now))
      if (this.srcStat(rel)?.isDirectory()) this.push({ op: "tree", rel, pass: "check" });
  }

  private rootGone(ev: FsEvent): void {
    const how = ev.names[0] === "IN_MOVE_SELF" ? "moved away" : ev.names[0] === "IN_UNMOUNT" ? "unmounted" : "deleted";
    const held = this.held.size;
    this.log.warn(
      `${this.host.root} is gone (${how}): ` +
        `mirroring it stops, and ${this.replica.destination} is left as it is` +
        `${held ? ` (${held} deletions seen before were not applied)` : ""}`,
    );
    this.state = "stopped";
    this.clear();
  }

  /** Wake for the next due thing: an unclosed file, quiet deletions, a retry. */
  private schedule(): void {
    this.host.clock.clearTimeout(this.timer);
    if (this.state !== "running" || this.working) return;
    const now = this.host.clock.now();
    const due = [
      ...this.awaiting.entries().map(([, t]) => t + CREATE_SETTLE_MS),
      ...(this.held.size ? [Math.min(this.lastDelete + DELETE_QUIET_MS, this.heldSince + DELETE_MAX_HOLD_MS)] : []),
      ...this.failed.entries().map(([, f]) => f.due),
      ...[this.looks.nextDue()].filter((t) => t !== undefined),
    ];
    if (due.length === 0) return;
    this.timer = this.host.clock.setTimeout(() => this.kick(), Math.max(1, Math.min(...due) - now));
  }

  private clear(): void {
    this.queue.length = 0;
    for (const m of [this.held, this.awaiting, this.failed, this.dirty] as PathMap<unknown>[]) m.clear();
    this.looks.clear();
    this.host.clock.clearTimeout(this.timer);
  }

  private relOf(path: string): string | undefined {
    return path === this.host.root ? "" : pathBelow(this.host.root, path);
  }

  /** The source's entry at `rel` as it is now (lstat; undefined when it is not there). */
  private srcStat(rel: string) {
    return lstatSync(fsPath(`${this.host.root}/${rel}`), { throwIfNoEntry: false });
  }
}

/** The watched root's device and inode now; undefined when it is gone. */
function identity(path: string): string | undefined {
  const st = lstatSync(fsPath(path), { throwIfNoEntry: false });
  return st?.isDirectory() ? `${st.dev}:${st.ino}` : undefined;
}

function breathe(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}
