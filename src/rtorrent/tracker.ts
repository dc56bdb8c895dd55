// SessionTracker: keeps the index in step with rtorrent's session directory.
//
// Theory of operation
// - Reconcile by hash, never by event order. Any event on a hash's session files
//   (`.torrent`, `.rtorrent`, `.libtorrent_resume`, their `.new`, `.meta`, `.complete`)
//   schedules a debounced read of what is on disk for that hash *now*, which adds,
//   updates or removes it. So a magnet re-add, an erase followed by a re-add, and
//   rtorrent ≥0.16.6 writing `.torrent` first all end in the right state, whatever order
//   the events came in. Reconciles run one at a time.
// - A `.torrent` without its `.rtorrent` is left alone (rtorrent is mid-write or
//   mid-erase); a corrupt file is logged and retried on its next change; neither ever
//   drops a torrent that is still there.
// - Hooks keep rtorrent_event's names and positional arguments. Add hooks run once per
//   new hash, not on every full save. A hook that throws or hangs is logged; we go on.
// - Completion: a `<HASH>.complete` marker, or the `complete` flag turning from 0 to 1 in
//   `.rtorrent`, queues the `complete` hook, which runs exactly once per completion (the
//   index remembers it ran, across restarts). A hook that pushes the path back onto
//   `queues.complete` is retried later, as in the original.

import type { Database } from "bun:sqlite";
import { existsSync, readdirSync } from "node:fs";
import { joinPath, type FsEvent } from "../events/index.ts";
import { callHook } from "../hooks/call.ts";
import { log, withStack } from "../log.ts";
import { carryOut, planRemoval, type RemovalResult } from "./remover.ts";
import { readSession, SESSION_FILE, SESSION_TORRENT } from "./session.ts";
import type { SessionStore } from "./store.ts";

/** Session files are written as a burst (.new, rename, three files): read after it. */
export const RECONCILE_DEBOUNCE_MS = 50;
/** A full reconcile commits once per this many torrents. */
const BATCH = 500;
/** When a complete hook re-queues itself, try again after this long. */
export const REQUEUE_DELAY_MS = 5000;

export interface RmTuple {
  name: string;
  tracker: string;
  hash: string;
  rmfiles: string[];
  torfiles: string[];
  tor: Uint8Array | null;
  ltor: Uint8Array | null;
  rtor: Uint8Array | null;
}

type Fn = (...args: never[]) => unknown;
export interface Hooks {
  pre_add?: Fn;
  post_add?: Fn;
  pre_remove?: Fn;
  post_remove?: Fn;
  complete?: Fn;
  pre_loop?: Fn;
  post_loop?: Fn;
}

export interface TrackerOptions {
  session: string;
  store: SessionStore;
  hooks: Hooks;
  /** The parsed command line, passed to hooks as `args`. */
  args: Record<string, unknown>;
  remove: boolean;
  roots: string[];
  dryRun: boolean;
  trash?: string;
  /** Stop removing once this many files were removed in this run. */
  maxDelete?: number;
  hookTimeoutMs: number;
  say: (line: string) => void;
  warn: (line: string) => void;
}

export interface Summary {
  added: number;
  updated: number;
  removed: number;
  unchanged: number;
  waiting: number;
  skipped: { hash: string; reason: string }[];
  completions: number;
  hookFailures: number;
  deleted: number;
  refusedDeletes: number;
}

export function emptySummary(): Summary {
  return { added: 0, updated: 0, removed: 0, unchanged: 0, waiting: 0, skipped: [], completions: 0, hookFailures: 0, deleted: 0, refusedDeletes: 0 };
}

export class SessionTracker {
  /** rtorrent_event's queues: `complete` first, then any a pre_loop hook adds. */
  readonly queues: Record<string, string[]> = { complete: [] };
  readonly qfuncs: Record<string, (db: Database, path: string, args: unknown, queues: Record<string, string[]>) => unknown> = {};
  /** Extra handlers a pre_loop hook may add, keyed "<ext> <IN_NAME>" (e.g. "torrent IN_CREATE"). */
  readonly inotifyFuncs = new Map<string, (path: string) => unknown>();
  readonly summary = emptySummary();
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  private chain: Promise<void> = Promise.resolve();
  private queueTimer: ReturnType<typeof setTimeout> | undefined;
  /** During reconcileAll: the hashes with a .complete marker (one listing, not a stat each). */
  private markers: Set<string> | undefined;

  constructor(private readonly o: TrackerOptions) {}

  /** Every hash in the session directory or the index, reconciled once. */
  async reconcileAll(progress?: (done: number, total: number) => void): Promise<Summary> {
    const onDisk = new Set<string>();
    const markers = new Set<string>();
    for (const name of readdirSync(this.o.session)) {
      const m = SESSION_TORRENT.exec(name);
      if (m) onDisk.add(m[1]!);
      else if (name.endsWith(".complete")) markers.add(name.slice(0, -9));
    }
    this.markers = markers;
    const all = [...new Set([...onDisk, ...this.o.store.hashes()])].sort();
    for (let start = 0; start < all.length; start += BATCH) {
      await this.o.store.batch(async () => {
        for (const hash of all.slice(start, start + BATCH)) await this.reconcile(hash);
      });
      progress?.(Math.min(start + BATCH, all.length), all.length);
    }
    this.markers = undefined;
    await this.runQueues();
    return this.summary;
  }

  /** A watcher event in the session directory. */
  onEvent(ev: FsEvent): void {
    if (ev.kind === "overflow") return;
    if (ev.kind === "rescanned") return void this.enqueue(() => this.reconcileAll().then(() => {}));
    const name = ev.path.slice(ev.path.lastIndexOf("/") + 1);
    const m = SESSION_FILE.exec(name);
    const ext = name.replace(/\.new$/, "").split(".").pop() ?? "";
    this.inotifyFuncs.get(`${ext} ${ev.names[0]}`)?.(ev.path);
    if (m) this.schedule(m[1]!);
  }

  /** Reconcile `hash` once its burst of writes has settled. */
  schedule(hash: string): void {
    clearTimeout(this.pending.get(hash));
    this.pending.set(
      hash,
      setTimeout(() => {
        this.pending.delete(hash);
        void this.enqueue(async () => {
          await this.reconcile(hash);
          await this.runQueues();
        });
      }, RECONCILE_DEBOUNCE_MS),
    );
  }

  /** Resolves when every scheduled reconcile has run. */
  async idle(): Promise<void> {
    for (;;) {
      const chain = this.chain;
      await chain;
      if (this.pending.size === 0 && chain === this.chain) return;
      await new Promise((r) => setTimeout(r, RECONCILE_DEBOUNCE_MS));
    }
  }

  stop(): void {
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
    clearTimeout(this.queueTimer);
  }

  /** Run the queues: the complete hook first, then user queues, one item at a time. */
  async runQueues(): Promise<void> {
    for (const [name, items] of Object.entries(this.queues)) {
      for (let n = items.length; n > 0 && items.length > 0; n--) {
        const path = items.shift()!;
        if (name === "complete") await this.runComplete(path);
        else if (this.qfuncs[name]) await this.hook(`queue ${name}`, this.qfuncs[name] as Fn, [this.o.store.db, path, this.o.args, this.queues]);
      }
    }
    if (Object.values(this.queues).some((q) => q.length > 0) && !this.queueTimer) {
      this.queueTimer = setTimeout(() => {
        this.queueTimer = undefined;
        void this.enqueue(() => this.runQueues());
      }, REQUEUE_DELAY_MS);
    }
  }

  // --- internal ---

  private enqueue(job: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(job).catch((err) => this.o.warn(`internal error: ${(err as Error).stack ?? err}`));
    return this.chain;
  }

  private async reconcile(hash: string): Promise<void> {
    const { store, session } = this.o;
    const file = joinPath(session, `${hash}.torrent`);
    const known = store.state(hash);
    const r = readSession(session, hash);
    if (r.kind === "partial") {
      if (!known) this.summary.waiting++;
      return;
    }
    if (r.kind === "bad") {
      this.summary.skipped.push({ hash, reason: r.reason });
      this.o.warn(`${hash}: ${r.reason}; kept as it was, read again when it changes`);
      return;
    }
    if (r.kind === "absent") {
      if (known) await this.removeTorrent(hash, file);
      return;
    }
    const t = r.torrent;
    if (!known) {
      await this.hook("pre_add", this.o.hooks.pre_add, [store.db, file, this.o.args], { hash, name: t.name }); // a failure is logged; the index still follows the session
      store.upsert(t);
      this.summary.added++;
      this.o.say(`${this.o.dryRun ? "would add" : "added"} ${hash} ${JSON.stringify(t.name)} (${t.files.length} file${t.files.length === 1 ? "" : "s"})`);
      await this.hook("post_add", this.o.hooks.post_add, [store.db, file, this.o.args], { hash, name: t.name });
    } else {
      const result = store.upsert(t);
      this.summary[result === "updated" ? "updated" : "unchanged"]++;
      if (result === "updated") this.o.say(`${this.o.dryRun ? "would update" : "updated"} ${hash} ${JSON.stringify(t.name)}`);
    }
    const marker = joinPath(session, `${hash}.complete`);
    const hasMarker = this.markers ? this.markers.has(hash) : existsSync(marker);
    const turnedOn = store.setComplete(hash, t.complete || hasMarker) && known !== undefined;
    const stored = store.state(hash)!;
    const due = stored.complete && stored.completeHookAt === null && (turnedOn || hasMarker);
    if (due && !this.queues.complete!.includes(hasMarker ? marker : file)) this.queues.complete!.push(hasMarker ? marker : file);
  }

  private async runComplete(path: string): Promise<void> {
    const hash = /([0-9A-F]{40})\.(complete|torrent)$/.exec(path)?.[1];
    if (!hash || this.o.store.get(hash)?.completeHookAt) return; // erased meanwhile, or done
    this.summary.completions++;
    if (this.o.hooks.complete) await this.hook("complete", this.o.hooks.complete, [this.o.store.db, path, this.o.args, this.queues], { hash, name: this.o.store.get(hash)?.name });
    if (!this.queues.complete!.includes(path)) this.o.store.markCompleteHookRun(hash);
  }

  private async removeTorrent(hash: string, file: string): Promise<void> {
    const { store } = this.o;
    const known = store.get(hash)!;
    const torfiles = store.files(hash).map((f) => f.path);
    const row = store.db.query<{ torrent: Uint8Array | null; libtorrent: Uint8Array | null; rtorrent: Uint8Array | null }, [string]>(
      "SELECT torrent, libtorrent, rtorrent FROM torrent_data WHERE hash = ?",
    ).get(hash)!;
    await this.hook("pre_remove", this.o.hooks.pre_remove, [store.db, file, this.o.args], { hash, name: known.name });
    const removed = this.o.remove ? this.removeData(hash, known.base, torfiles.length > 1 || torfiles[0] !== joinPath(known.base, known.name)) : undefined;
    store.remove(hash);
    this.summary.removed++;
    const would = this.o.dryRun ? "would be " : "";
    this.o.say(`${this.o.dryRun ? "would remove" : "removed"} ${hash} ${JSON.stringify(known.name)} from the index${removed ? `; ${removed.removed.length} of ${torfiles.length} file(s) ${would}deleted` : ""}`);
    const rm: RmTuple = { name: known.name, tracker: known.tracker, hash, rmfiles: removed?.removed ?? [], torfiles, tor: row.torrent, ltor: row.libtorrent, rtor: row.rtorrent };
    await this.hook("post_remove", this.o.hooks.post_remove, [store.db, file, this.o.args, rm], { hash, name: known.name });
  }

  private removeData(hash: string, base: string, multiFile: boolean): RemovalResult | undefined {
    const plan = planRemoval(this.o.store, hash, base, multiFile, this.o.roots);
    const cap = this.o.maxDelete;
    if (cap !== undefined && this.summary.deleted + plan.remove.length > cap) {
      this.summary.refusedDeletes += plan.remove.length;
      this.o.warn(`${hash}: not deleting ${plan.remove.length} file(s): --max-delete ${cap} would be exceeded (${this.summary.deleted} deleted so far in this run)`);
      return undefined;
    }
    const result = carryOut(plan, base, { roots: this.o.roots, dryRun: this.o.dryRun, trash: this.o.trash }, this.o.say);
    this.summary.deleted += result.removed.length;
    return result;
  }

  /**
   * Call a hook if defined; false when it failed (logged with its stack, and counted) or
   * was skipped. A hook that blocked the process for `torrent` before is skipped (said
   * once per run, not a failure: the hang was reported, with exit status 12, when it
   * happened).
   */
  private async hook(name: string, fn: Fn | undefined, args: unknown[], torrent?: { hash: string; name?: string | undefined }): Promise<boolean> {
    if (!fn) return true;
    if (this.o.dryRun) {
      this.o.say(`would run hook ${name}`);
      return true;
    }
    const subject = torrent && (torrent.name === undefined ? torrent.hash : `${torrent.hash} ${JSON.stringify(torrent.name)}`);
    const r = await callHook({ hook: `hook ${name}`, subject, key: torrent?.hash }, fn, args, this.o.hookTimeoutMs);
    if (r.ok || r.kind === "skipped") return r.ok;
    this.summary.hookFailures++;
    log.withTag("rtorrent").warn(withStack(r.error, r.stack));
    return false;
  }
}
