// SessionTracker: keeps the index in step with rtorrent's session directory.
//
// Theory of operation
// - Reconcile by hash, never by event order. Any event on a hash's session files
//   (`.torrent`, `.rtorrent`, `.libtorrent_resume`, their `.new`, `.meta`, `.complete`)
//   schedules a debounced read of what is on disk for that hash *now*, which adds,
//   updates or removes it. So a magnet re-add, an erase followed by a re-add, and
//   rtorrent ≥0.16.6 writing `.torrent` first all end in the right state.
// - Each hash has a lane (lanes.ts): its reconciles and hooks run in order, other hashes
//   go on beside it, so a hook that hangs on one torrent holds up that torrent only. A
//   full reconcile (start, --once, --clean, after an overflow) does the work that runs
//   no hook in batched transactions, and removals last, once every add is in the index.
// - A torrent that cannot be read (corrupt, no permission, not a file, its .rtorrent not
//   written yet) keeps its index rows and is recorded as unreadable with what is known of
//   its data, so that removal protects it (guard.ts, protect.ts). One warning per reason.
// - Removal: pre_remove, then the rows go (no reader sees a torrent listed whose data is
//   already gone), then with -r the data no torrent in the session can need, judged from
//   the disk at that moment, then post_remove.
// - Completion: a `<HASH>.complete` marker, or the `complete` flag turning from 0 to 1 in
//   `.rtorrent`, queues the `complete` hook (completions.ts); hooks run through
//   hooks.ts.

import { readdirSync } from "node:fs";
import { joinPath, type FsEvent } from "../events/index.ts";
import { realClock, type Clock } from "../clock.ts";
import { fsPath } from "../fs/path.ts";
import { Completions } from "./completions.ts";
import { sessionProtection } from "./guard.ts";
import { HookRunner, type Hooks, type RmTuple } from "./hooks.ts";
import { KeyedLanes } from "./lanes.ts";
import { openReader, readBatches } from "./reader.ts";
import type { Protection } from "./protect.ts";
import { Erasure } from "./erasure.ts";
import { readSession, SESSION_FILE, SESSION_TORRENT, type ReadResult, type SessionTorrent } from "./session.ts";
import type { SessionStore } from "./store.ts";
import { emptySummary, type Summary, type TrackerOptions } from "./summary.ts";

export type { Hooks, RmTuple } from "./hooks.ts";
export { emptySummary, type Summary, type TrackerOptions } from "./summary.ts";
export { REQUEUE_DELAY_MS } from "./completions.ts";

/** Session files are written as a burst (.new, rename, three files): read after it. */
export const RECONCILE_DEBOUNCE_MS = 50;
/** A full reconcile commits once per this many torrents. */
const BATCH = 500;
/** Torrents whose hooks may be in flight at once. */
const HOOK_LANES = 8;

type Action = "add" | "update" | "remove" | "none";

/** What a full reconcile learnt up front, so that each hash needs no lookup. */
interface BulkView {
  known: Set<string>;
  unreadable: Set<string>;
}

export class SessionTracker {
  /** Extra handlers a pre_loop hook may add, keyed "<ext> <IN_NAME>" (e.g. "torrent IN_CREATE"). */
  readonly inotifyFuncs = new Map<string, (path: string) => unknown>();
  readonly summary = emptySummary();
  /** Debounce timers of hashes to reconcile. */
  private readonly pending = new Map<string, unknown>();
  private readonly lanes: KeyedLanes;
  private readonly erasure: Erasure;
  private readonly runner: HookRunner;
  private readonly completions: Completions;
  /** The last unreadable reason warned about, per hash: one warning per new reason. */
  private readonly warned = new Map<string, string>();

  private readonly store: SessionStore;
  private readonly session: string;
  private readonly hooks: Hooks;
  /** The command line (or config section) as hooks receive it. */
  private readonly args: Record<string, unknown>;
  private readonly clock: Clock;

  constructor(private readonly options: TrackerOptions) {
    ({ store: this.store, session: this.session, hooks: this.hooks, args: this.args } = options);
    this.clock = options.clock ?? realClock;
    this.lanes = new KeyedLanes(HOOK_LANES, (err) =>
      this.options.warn(`internal error: ${(err as Error)?.stack ?? err}`),
    );
    this.erasure = new Erasure(options, this.summary);
    const { dryRun, hookTimeoutMs: timeoutMs, say } = options;
    this.runner = new HookRunner({
      dryRun,
      timeoutMs,
      clock: this.clock,
      say,
      failed: () => this.summary.hookFailures++,
    });
    const { store, session, hooks, args, lanes, runner, clock } = this;
    this.completions = new Completions({
      store,
      session,
      hooks,
      args,
      lanes,
      runner,
      clock,
      completed: () => this.summary.completions++,
    });
  }

  /** rtorrent_event's queues: `complete` first, then any a pre_loop hook adds. */
  get queues(): Record<string, string[]> {
    return this.completions.queues;
  }

  get qfuncs(): Completions["qfuncs"] {
    return this.completions.qfuncs;
  }

  /** Every hash in the session directory or the index, reconciled once; hooks may still run (settled()). */
  async reconcileAll(progress?: (done: number, total: number) => void): Promise<Summary> {
    const { onDisk, markers } = this.listSession();
    this.completions.markers = markers;
    const known = this.store.hashes();
    const unreadable = new Set(this.store.records.unreadable().map((u) => u.hash));
    const all = [...new Set([...onDisk, ...known, ...unreadable])].sort();
    const view: BulkView = { known, unreadable };
    const removals: string[] = [];
    const reader = openReader(this.session, all.length);
    const batches = Array.from({ length: Math.ceil(all.length / BATCH) }, (_, i) =>
      all.slice(i * BATCH, (i + 1) * BATCH),
    );
    let done = 0;
    const readAndWrite = () =>
      readBatches(reader, this.session, batches, (batch, results) => {
        this.store.bulk(() => {
          for (const hash of batch) {
            if (this.lanes.busy(hash)) void this.lanes.run(hash, () => this.reconcile(hash));
            else this.bulk(hash, results.get(hash)!, removals, view);
          }
        });
        done += batch.length;
        progress?.(done, all.length);
      });
    await (known.size === 0 && all.length >= BATCH ? this.store.building(readAndWrite) : readAndWrite());
    reader.close();
    removals.sort(); // batches end in the order they were read
    this.completions.markers = undefined;
    await this.removeAll(removals);
    this.retryErasures();
    this.completions.kick();
    return this.summary;
  }

  /** Resolves when every hook and queue started so far has finished (or timed out). */
  settled(): Promise<void> {
    return this.lanes.idle();
  }

  /** A watcher event in the session directory. */
  onEvent(ev: FsEvent): void {
    if (ev.kind === "overflow") return;
    if (ev.kind === "rescanned") return void this.reconcileAll();
    const name = ev.path.slice(ev.path.lastIndexOf("/") + 1);
    const m = SESSION_FILE.exec(name);
    const ext =
      name
        .replace(/\.new$/, "")
        .split(".")
        .pop() ?? "";
    this.inotifyFuncs.get(`${ext} ${ev.names[0]}`)?.(ev.path);
    if (m) this.schedule(m[1]!);
    this.completions.kick();
  }

  /** Reconcile `hash` once its burst of writes has settled. */
  schedule(hash: string): void {
    this.clock.clearTimeout(this.pending.get(hash));
    this.pending.set(
      hash,
      this.clock.setTimeout(() => {
        this.pending.delete(hash);
        void this.lanes.run(hash, () => this.reconcile(hash));
      }, RECONCILE_DEBOUNCE_MS),
    );
  }

  /** Resolves when every scheduled reconcile, hook and queue has run. */
  async idle(): Promise<void> {
    for (;;) {
      await this.lanes.idle();
      if (this.pending.size === 0 && this.lanes.size === 0) return;
      await new Promise<void>((r) => this.clock.setTimeout(r, RECONCILE_DEBOUNCE_MS));
    }
  }

  stop(): void {
    for (const t of this.pending.values()) this.clock.clearTimeout(t);
    this.pending.clear();
    this.completions.stop();
  }

  /** Run the queues once (the complete hook first, then user queues). */
  runQueues(): Promise<void> {
    return this.completions.run();
  }

  // --- internal ---

  private listSession(): { onDisk: Set<string>; markers: Set<string> } {
    const onDisk = new Set<string>();
    const markers = new Set<string>();
    for (const name of readdirSync(fsPath(this.session))) {
      const m = SESSION_TORRENT.exec(name);
      if (m) onDisk.add(m[1]!);
      else if (name.endsWith(".complete")) markers.add(name.slice(0, -9));
    }
    return { onDisk, markers };
  }

  private actionOf(hash: string, r: ReadResult, view?: BulkView): Action {
    const known = view ? view.known.has(hash) : this.store.state(hash) !== undefined;
    if (r.kind === "ok") return known ? "update" : "add";
    if (r.kind === "absent") return known ? "remove" : "none";
    return "none";
  }

  /** One hash of a full reconcile: no-hook work now (in the batch), the rest in its lane. */
  private bulk(hash: string, r: ReadResult, removals: string[], view: BulkView): void {
    const action = this.actionOf(hash, r, view);
    if (action === "remove") return void removals.push(hash);
    if (action === "add" && (this.hooks.pre_add || this.hooks.post_add))
      return void this.lanes.run(hash, () => this.reconcile(hash));
    this.apply(hash, r, action, this.options.debug ?? this.options.say, view);
  }

  /** Removals of a full reconcile: inline with one protection, or in their lanes with hooks. */
  private async removeAll(hashes: string[]): Promise<void> {
    if (hashes.length === 0) return;
    if (this.hooks.pre_remove || this.hooks.post_remove) {
      for (const hash of hashes) void this.lanes.run(hash, () => this.reconcile(hash));
      return;
    }
    const protection = this.options.remove ? this.protection(new Set(hashes)) : undefined;
    for (const hash of hashes) await this.removeTorrent(hash, protection);
  }

  /** Read `hash` now and bring the index in line, hooks included (runs in the hash's lane). */
  private async reconcile(hash: string): Promise<void> {
    const r = readSession(this.session, hash);
    const action = this.actionOf(hash, r);
    if (action === "remove") return this.removeTorrent(hash);
    const file = joinPath(this.session, `${hash}.torrent`);
    const named = { hash, name: r.kind === "ok" ? r.torrent.name : this.store.state(hash)?.name };
    // a failure is logged; the index still follows the session
    if (action === "add") {
      await this.runner.call("pre_add", this.hooks.pre_add, [this.store.db, file, this.args], named);
    }
    const again = action === "add" ? readSession(this.session, hash) : r; // the hook took time: what is there now
    this.apply(hash, again, this.actionOf(hash, again), this.options.say);
    if (action === "add" && this.store.state(hash))
      await this.runner.call("post_add", this.hooks.post_add, [this.store.db, file, this.args], named);
    this.completions.kick();
  }

  /** The index work for one read (no hooks): add, update, mark unreadable. */
  private apply(hash: string, r: ReadResult, action: Action, say: (line: string) => void, view?: BulkView): void {
    const { store } = this;
    if (r.kind === "partial" || r.kind === "bad") return this.unreadable(hash, r);
    const cleared = (!view || view.unreadable.has(hash)) && store.records.clearUnreadable(hash);
    if (cleared) this.warned.delete(hash);
    if (r.kind === "ok" && action !== "remove") {
      this.index(hash, r.torrent, say, view);
      if (cleared) store.records.refreshHints(r.torrent);
    }
    if (cleared && !view) this.retryErasures(); // what this torrent held back may go now
  }

  private index(hash: string, t: SessionTorrent, say: (line: string) => void, view?: BulkView): void {
    const { store } = this;
    const { dryRun } = this.options;
    const result = store.upsert(t, Date.now(), !(view && !view.known.has(hash)));
    if (result === "added") {
      this.summary.added++;
      say(
        `${dryRun ? "would add" : "added"} ${hash} ${JSON.stringify(t.name)} ` +
          `(${t.files.length} file${t.files.length === 1 ? "" : "s"})`,
      );
    } else {
      this.summary[result === "updated" ? "updated" : "unchanged"]++;
      if (result === "updated") say(`${dryRun ? "would update" : "updated"} ${hash} ${JSON.stringify(t.name)}`);
    }
    this.completions.check(hash, t.complete, result);
  }

  private unreadable(hash: string, r: Extract<ReadResult, { kind: "partial" | "bad" }>): void {
    const known = this.store.state(hash) !== undefined;
    const reason = r.kind === "partial" ? `waiting for ${r.missing}` : r.reason;
    const notLoaded = r.kind === "bad" && !r.loadable && !known; // rtorrent loads no such entry: not a torrent
    if (notLoaded) this.store.records.clearUnreadable(hash);
    else this.store.records.markUnreadable({ hash, reason, hint: r.hint });
    if (r.kind === "partial") {
      if (!known) this.summary.waiting++;
      return;
    }
    this.summary.skipped.push({ hash, reason });
    if (this.warned.get(hash) === reason) return;
    this.warned.set(hash, reason);
    if (notLoaded) return this.options.warn(`${hash}: ${reason}; skipped (rtorrent does not load it either)`);
    this.options.warn(
      `${hash}: ${reason}; ${known ? "its index entry is kept as it was" : "not indexed"}, ` +
        "and what could be its data is protected from removal; read again when it changes",
    );
  }

  /** An erased torrent: pre_remove, its rows, its data (-r), post_remove. */
  private async removeTorrent(hash: string, shared?: Protection): Promise<void> {
    const { store } = this;
    const known = store.get(hash);
    if (!known) return;
    const file = joinPath(this.session, `${hash}.torrent`);
    const torfiles = store.files(hash).map((f) => f.path);
    const row = store.db
      .query<{ torrent: Uint8Array | null; libtorrent: Uint8Array | null; rtorrent: Uint8Array | null }, [string]>(
        "SELECT torrent, libtorrent, rtorrent FROM torrent_data WHERE hash = ?",
      )
      .get(hash)!;
    await this.runner.call("pre_remove", this.hooks.pre_remove, [store.db, file, this.args], {
      hash,
      name: known.name,
    });
    store.remove(hash);
    const wasUnreadable = store.records.clearUnreadable(hash);
    this.summary.removed++;
    const multiFile = torfiles.length > 1 || torfiles[0] !== joinPath(known.base, known.name);
    const erased = { hash, name: known.name, files: torfiles, base: known.base, multiFile };
    const removed = this.options.remove
      ? this.erasure.erase(erased, shared ?? this.protection(new Set([hash])))
      : undefined;
    const would = this.options.dryRun ? "would be " : "";
    this.options.say(
      `${this.options.dryRun ? "would remove" : "removed"} ${hash} ${JSON.stringify(known.name)} from the index` +
        (removed ? `; ${removed.removed.length} of ${torfiles.length} file(s) ${would}deleted` : ""),
    );
    const rm: RmTuple = {
      name: known.name,
      tracker: known.tracker,
      hash,
      rmfiles: removed?.removed ?? [],
      torfiles,
      tor: row.torrent,
      ltor: row.libtorrent,
      rtor: row.rtorrent,
    };
    if (wasUnreadable && !shared) this.retryErasures(); // it may have held others back
    await this.runner.call("post_remove", this.hooks.post_remove, [store.db, file, this.args, rm], {
      hash,
      name: known.name,
    });
  }

  /** Erasures held back earlier: try them again with the session as it is now (-r only). */
  private retryErasures(): void {
    if (!this.options.remove || this.erasure.pending().length === 0) return;
    this.erasure.retry(this.protection());
  }

  /** The protection of everything the session holds now; `stale` adds hashes read now. */
  private protection(removing = new Set<string>()): Protection {
    const stale = new Set([...this.pending.keys()].filter((h) => !removing.has(h)));
    return sessionProtection(this.store, this.session, stale);
  }
}
