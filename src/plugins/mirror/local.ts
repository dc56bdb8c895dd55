// LocalReplica: a mirror in a local folder (a second disk, an NFS or SSHFS mount).
//
// Theory of operation
// - Everything is decided on what the source holds now (lstat, never following a
//   symlink); the destination is changed only below its own top, as resolved at start:
//   removals go through fs/confined.ts (decided on resolved paths at the moment of
//   acting), and an entry whose folder is a symlink on either side (the tree changed
//   under a late event) is left to the events that follow.
// - Files and symlinks are written beside their target and renamed into place
//   (entry.ts); folders are made at once and get their mode and times once their entries
//   are done (settle), since every change inside one changes its time.
// - reconcile() walks both sides together: what differs by rsync's quick check is
//   copied, what the source lacks is removed, what is excluded is left alone; it breathes
//   every few milliseconds so the watcher keeps reading while it copies.

import { lstatSync, mkdirSync, renameSync, type Stats } from "node:fs";
import { nativeError } from "../../errors.ts";
import { removeWithin, resolved } from "../../fs/confined.ts";
import { fsPath } from "../../fs/path.ts";
import { log } from "../../log.ts";
import { fileBeingWritten } from "../../watch/index.ts";
import { listDir } from "../../watch/scan.ts";
import { copyMeta, kindOf, replaceWith, TEMP_MARK, upToDate } from "./entry.ts";
import type { Excludes } from "./exclude.ts";
import { below, relParent, type Outcome, type Replica, type Tally, type WalkControl } from "./replica.ts";
import { WalkHelper } from "./walk-helper.ts";

/** A walk lets the watcher read after this long. */
const BREATHE_MS = 8;
/** Entries a walk compares alone before it starts a helper thread (a small tree is done sooner alone). */
const HELP_AFTER = 2000;

export interface LocalSetup {
  /** The source's top, resolved. */
  source: string;
  destination: string;
  delete: boolean;
  owner: boolean;
  excludes: Excludes;
  /** Whether a file is open for writing (default: a read lease; see watch/inotify.ts). */
  beingWritten?: (path: string) => boolean | undefined;
  /**
   * Long walks share their sub-trees with a second thread (walk-helper.ts) once this many
   * entries were compared (default HELP_AFTER); false: one thread. Never with beingWritten,
   * which another thread cannot call.
   */
  helper?: number | false;
  /** Where warnings go (default the log; a helper thread sends them back to the walk's thread). */
  warn?: (message: string) => void;
}

export class LocalReplica implements Replica {
  readonly destination: string;
  readonly tally: Tally = { copied: 0, bytes: 0, removed: 0, renamed: 0 };
  private dst = "";
  private readonly writing: (path: string) => boolean | undefined;
  private warnedOther = false;
  private readonly log = log.withTag("mirror");

  constructor(private readonly s: LocalSetup) {
    this.destination = s.destination;
    this.writing = s.beingWritten ?? ((p) => fileBeingWritten(p));
  }

  async prepare(): Promise<void> {
    try {
      mkdirSync(fsPath(this.s.destination), { recursive: true });
    } catch (err) {
      throw nativeError("mkdir", err as NodeJS.ErrnoException, this.s.destination, "the mirror's destination");
    }
    this.dst = resolved(this.s.destination) ?? this.s.destination;
  }

  sync(rel: string, force: boolean): Outcome {
    if (!this.plainFolders(rel)) return "missing";
    const st = lstatOr(below(this.s.source, rel));
    if (!st) return "missing";
    try {
      return this.entry(rel, st, lstatOr(below(this.dst, rel)), force);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code !== "ENOENT" || !this.makeFolders(relParent(rel))) return { error: e };
      try {
        return this.entry(rel, st, undefined, force); // its folder was missing: made now
      } catch (again) {
        return { error: again as NodeJS.ErrnoException };
      }
    }
  }

  move(from: string, to: string): "done" | "absent" | { error: NodeJS.ErrnoException } {
    const [a, b] = [below(this.dst, from), below(this.dst, to)];
    if (!this.plainFolders(from) || !this.plainFolders(to)) return "absent";
    const at = lstatOr(a);
    if (!at) return "absent";
    try {
      const bt = lstatOr(b);
      if (bt && (bt.isDirectory() || at.isDirectory())) this.removeAt(to); // rename(2) replaces files only
      if (!lstatOr(below(this.dst, relParent(to))) && !this.makeFolders(relParent(to))) return "absent";
      renameSync(fsPath(a), fsPath(b));
      this.tally.renamed++;
      return "done";
    } catch (err) {
      return { error: err as NodeJS.ErrnoException };
    }
  }

  remove(rel: string): Outcome {
    if (rel === "" || !this.plainFolders(rel)) return "done";
    try {
      if (lstatOr(below(this.dst, rel))) this.removeAt(rel);
      return "done";
    } catch (err) {
      return { error: err as NodeJS.ErrnoException };
    }
  }

  settle(dirs: Iterable<string>): string[] {
    const elsewhere: string[] = [];
    for (const rel of dirs) {
      const st = lstatOr(below(this.s.source, rel));
      if (!st?.isDirectory()) {
        elsewhere.push(rel);
        continue;
      }
      const dt = lstatOr(below(this.dst, rel));
      if (!dt?.isDirectory()) continue; // not made yet: its own work settles it
      try {
        copyMeta(st, dt, below(this.dst, rel), this.s.owner);
      } catch {
        // gone meanwhile: its own event follows
      }
    }
    return elsewhere;
  }

  async reconcile(rel: string, ctl: WalkControl): Promise<void> {
    const top = lstatOr(below(this.s.source, rel));
    if (!top) return ctl.missing(rel); // renamed since: the rename, handled next, redoes it
    if (!top.isDirectory()) return void this.sync(rel, false);
    const stack: { rel: string; post: boolean }[] = [{ rel, post: false }];
    const helpAfter = this.s.beingWritten || this.helperFailed ? false : (this.s.helper ?? HELP_AFTER);
    const walked = this.walked;
    this.plainSeen = new Set();
    let helper: WalkHelper | undefined;
    const handed: Promise<void>[] = [];
    let last = performance.now();
    try {
      while ((stack.length > 0 || helper?.busy) && !ctl.stopped()) {
        if (performance.now() - last > BREATHE_MS || stack.length === 0) {
          this.plainSeen = undefined; // the tree may change while others run
          await ctl.breathe();
          if (stack.length === 0) await Promise.race([...handed, sleep(BREATHE_MS)]);
          this.plainSeen = new Set();
          last = performance.now();
          if (stack.length === 0) continue;
        }
        if (helpAfter !== false && !this.helperFailed && this.walked - walked >= helpAfter && (helper?.free ?? true)) {
          helper ??= this.startHelper();
          if (helper?.free) this.handOver(stack, helper, ctl, handed);
        }
        const { rel: dir, post } = stack.pop()!;
        if (post) {
          for (const moved of this.settle([dir])) ctl.missing(moved); // renamed meanwhile: walked again there
          continue;
        }
        const outcome = this.sync(dir, false);
        if (outcome !== "done") {
          if (typeof outcome === "object") ctl.failed(dir, outcome.error);
          else if (outcome === "missing") ctl.missing(dir);
          continue;
        }
        stack.push({ rel: dir, post: true });
        for (const sub of this.walkOne(dir, ctl)) stack.push({ rel: sub, post: false });
      }
      this.plainSeen = undefined;
      if (ctl.stopped()) helper?.halt();
      await Promise.all(handed);
    } finally {
      this.plainSeen = undefined;
      helper?.close();
    }
  }

  // --- internal ---

  /** Entries compared so far (a walk starts its helper after HELP_AFTER of them). */
  private walked = 0;

  /**
   * Folders found plain (no symlink on the way, both sides) since the walk last let other
   * work run: a walk's synchronous stretch (BREATHE_MS at most) looks at each folder once.
   */
  private plainSeen: Set<string> | undefined;

  /** Set when a helper died: later walks stay on one thread. */
  private helperFailed = false;

  /** Said once per replica (whichever thread met such an entry first). */
  private warnOther(message: string): void {
    if (!this.warnedOther) (this.s.warn ?? ((m: string) => this.log.warn(m)))(message);
    this.warnedOther = true;
  }

  private startHelper(): WalkHelper | undefined {
    try {
      return new WalkHelper(this.s, this.dst, (m) => this.warnOther(m));
    } catch {
      this.helperFailed = true; // no worker here: one thread
      return undefined;
    }
  }

  /**
   * Give the helper the pending folder lowest on the stack (the shallowest: most likely
   * the largest sub-tree), made in the destination first. Its own folder's mode and
   * times are then the helper's; the folder above settles once the walk is done, as before.
   */
  private handOver(
    stack: { rel: string; post: boolean }[],
    helper: WalkHelper,
    ctl: WalkControl,
    handed: Promise<void>[],
  ): void {
    const pending = stack.filter((e) => !e.post).length;
    if (pending < 2) return; // keep one to walk here
    const i = stack.findIndex((e) => !e.post);
    const { rel } = stack.splice(i, 1)[0]!;
    const outcome = this.sync(rel, false);
    if (outcome !== "done") {
      if (typeof outcome === "object") ctl.failed(rel, outcome.error);
      else if (outcome === "missing") ctl.missing(rel);
      return;
    }
    const job = helper.walk(rel, ctl, this.tally).then(async (done) => {
      if (done) return;
      this.helperFailed = true; // it died: walk it here, and stay on one thread
      await this.reconcile(rel, ctl);
    });
    handed.push(job);
    void job.finally(() => handed.splice(handed.indexOf(job), 1));
  }

  /** One folder's entries: files made equal, extras removed; its sub-folders returned. */
  private walkOne(dir: string, ctl: WalkControl): string[] {
    const subs: string[] = [];
    let there: Map<string, string>;
    let here: ReturnType<typeof listDir>;
    try {
      there = new Map(listDir(below(this.dst, dir)).map((e) => [e.name, e.type]));
      here = listDir(below(this.s.source, dir));
    } catch (err) {
      ctl.failed(dir, err as NodeJS.ErrnoException);
      return subs;
    }
    this.walked += here.length;
    for (const e of here) {
      const rel = dir === "" ? e.name : `${dir}/${e.name}`;
      const dstType = there.get(e.name);
      there.delete(e.name);
      if (this.s.excludes.excludes(rel, e.type === "dir")) continue;
      if (e.type === "dir") {
        subs.push(rel);
        continue;
      }
      const st = lstatOr(below(this.s.source, rel));
      if (!st) {
        ctl.missing(rel);
        continue;
      }
      try {
        const o = this.entry(rel, st, dstType === undefined ? undefined : lstatOr(below(this.dst, rel)), false);
        if (o === "busy") ctl.busy(rel);
      } catch (err) {
        ctl.failed(rel, err as NodeJS.ErrnoException);
      }
    }
    for (const [name, type] of there) {
      const rel = dir === "" ? name : `${dir}/${name}`;
      const temp = name.includes(TEMP_MARK);
      if (!temp && (!this.s.delete || this.s.excludes.excludes(rel, type === "dir"))) continue;
      try {
        this.removeAt(rel);
      } catch (err) {
        ctl.failed(rel, err as NodeJS.ErrnoException);
      }
    }
    return subs.reverse();
  }

  /** Make one entry match (`dt`: the destination's lstat). Throws what the file system says. */
  private entry(rel: string, st: Stats, dt: Stats | undefined, force: boolean): Outcome {
    const [s, d] = [below(this.s.source, rel), below(this.dst, rel)];
    const kind = kindOf(st);
    if (kind === "other") {
      this.warnOther(`${s}: not a file, folder or symlink; such entries are not mirrored`);
      return "done";
    }
    if (dt && kindOf(dt) !== kind && (dt.isDirectory() || kind === "dir")) {
      this.removeAt(rel);
      dt = undefined;
    }
    if (kind === "dir") {
      if (!dt) mkdirSync(fsPath(d), { mode: (st.mode & 0o7777) | 0o700 });
      else if (this.s.owner || (dt.mode & 0o7777) !== (st.mode & 0o7777)) copyMeta(st, dt, d, this.s.owner);
      return "done";
    }
    if (!force && upToDate(st, dt, s, d)) {
      copyMeta(st, dt, d, this.s.owner);
      return "done";
    }
    if (kind === "file" && !force && this.writing(s) === true) return "busy";
    replaceWith(s, st, d, this.s.owner);
    this.tally.copied++;
    this.tally.bytes += kind === "file" ? st.size : 0;
    return "done";
  }

  /** Remove `rel` from the destination, confined to it. */
  private removeAt(rel: string): void {
    const acted = removeWithin(below(this.dst, rel), [this.dst]);
    if (!acted.ok) throw Object.assign(new Error(`not removed: ${acted.reason}`), { code: "EPERM" });
    this.tally.removed++;
  }

  /** mkdir -p of `rel` in the destination, for folders the source has; false if it has not. */
  private makeFolders(rel: string): boolean {
    if (rel === "") return true;
    if (!this.makeFolders(relParent(rel))) return false;
    const st = lstatOr(below(this.s.source, rel));
    if (!st?.isDirectory()) return false;
    if (!lstatOr(below(this.dst, rel))) mkdirSync(fsPath(below(this.dst, rel)), { mode: (st.mode & 0o7777) | 0o700 });
    return true;
  }

  /** The folders of `rel` are real folders on both sides (no symlink on the way). */
  private plainFolders(rel: string): boolean {
    const up = relParent(rel);
    if (up === "" || this.plainSeen?.has(up)) return true;
    for (const base of [this.s.source, this.dst]) {
      const p = below(base, up);
      const r = resolved(p);
      if (r !== undefined && r !== p) return false;
    }
    this.plainSeen?.add(up);
    return true;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function lstatOr(path: string): Stats | undefined {
  return lstatSync(fsPath(path), { throwIfNoEntry: false });
}
