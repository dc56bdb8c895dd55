// Wiring `seedwatch rtorrent`: the store, hooks, lock check, the one-shot reconcile and
// the watch loop. The command parses; this runs.

import { EXIT, SeedError } from "../errors.ts";
import type { FsEvent } from "../events/index.ts";
import { setHangFile } from "../hooks/hung.ts";
import { loadModule } from "../hooks/load.ts";
import { callHook } from "../hooks/call.ts";
import { log, logs, withStack } from "../log.ts";
import { InotifyWatcher } from "../watch/inotify.ts";
import { orphans } from "./clean.ts";
import { sessionProtection, unblockAdvice } from "./guard.ts";
import { rtorrentLock } from "./lock.ts";
import { carryOut, planRemoval } from "./remover.ts";
import { SessionStore } from "./store.ts";
import { SessionTracker, type Hooks, type Summary } from "./tracker.ts";

export interface RtorrentRun {
  session: string;
  roots: string[];
  db: string;
  hookFiles: string[];
  clean: boolean;
  force: boolean;
  remove: boolean;
  dryRun: boolean;
  once: boolean;
  trash?: string;
  maxDelete?: number;
  hookTimeoutMs: number;
  args: Record<string, unknown>;
  /** Where -n prints what it would do (default: standard output). */
  out?: (line: string) => void;
}

const HOOK_NAMES = ["pre_add", "post_add", "pre_remove", "post_remove", "complete", "pre_loop", "post_loop"] as const;

export async function runRtorrent(r: RtorrentRun): Promise<number> {
  const out = log.withTag("rtorrent");
  if (r.clean) {
    const lock = rtorrentLock(r.session);
    if (lock.held && !r.force) {
      throw new SeedError(`rtorrent is running on this session (lock held by ${lock.by})`, {
        code: "locked",
        exitCode: EXIT.usage,
        hint: "stop rtorrent first, or pass -f if you are sure",
      });
    }
    if (!lock.held && lock.stale) out.info(`stale rtorrent.lock (${lock.stale}): going ahead`);
  }
  setHangFile(hangFileOf(r.db));
  const hooks = await loadHooks(r.hookFiles);
  const store = r.dryRun ? SessionStore.openCopy(r.db) : SessionStore.open(r.db);
  const say = (line: string) => (r.dryRun ? (r.out ?? ((l) => process.stdout.write(`${l}\n`)))(line) : out.info(line));
  const tracker = makeTracker(r, store, hooks, say);
  try {
    if (r.once || r.clean) return await oneShot(r, tracker, store, say);
    return await loop(r, tracker, store, hooks);
  } finally {
    store.close();
  }
}

async function oneShot(
  r: RtorrentRun,
  tracker: SessionTracker,
  store: SessionStore,
  say: (l: string) => void,
): Promise<number> {
  const summary = await tracker.reconcileAll(progress());
  await tracker.settled();
  if (r.clean && r.roots.length > 0) cleanOrphans(r, store, summary, say);
  report(summary, r.dryRun);
  return summary.hookFailures > 0 ? EXIT.hook : summary.refusedDeletes > 0 ? EXIT.usage : EXIT.ok;
}

/** --clean: list (or with -r delete) what no torrent in the session can need under PATHS. */
function cleanOrphans(r: RtorrentRun, store: SessionStore, summary: Summary, say: (l: string) => void): void {
  const out = log.withTag("rtorrent");
  const protection = sessionProtection(store, r.session);
  if (protection.blockAll) {
    const b = protection.blockAll;
    out.warn(
      `nothing under PATHS is treated as orphaned: ${b.hash} is in the session but cannot be read (${b.unreadable?.reason}), so any file could be its data; ${unblockAdvice(r.session, b.hash)}`,
    );
    if (r.remove) summary.refusedDeletes++;
    return;
  }
  const lost = orphans(protection, r.roots);
  say(`${lost.length} file(s) under PATHS belong to no torrent`);
  if (!r.remove) {
    for (const path of lost) say(`orphan ${JSON.stringify(path)}`);
    return;
  }
  if (r.maxDelete !== undefined && lost.length > r.maxDelete) {
    out.warn(`not deleting ${lost.length} orphan file(s): more than --max-delete ${r.maxDelete}`);
    summary.refusedDeletes += lost.length;
    return;
  }
  for (const root of r.roots) {
    const mine = lost.filter((p) => p.startsWith(`${root}/`));
    if (mine.length === 0) continue;
    const plan = planRemoval("", mine, root, true, [root], protection);
    plan.top = root;
    const done = carryOut(plan, { dryRun: r.dryRun, trash: r.trash, trashBase: root }, protection, say);
    summary.deleted += done.removed.length;
  }
}

async function loop(r: RtorrentRun, tracker: SessionTracker, store: SessionStore, hooks: Hooks): Promise<number> {
  const svc = await serve(r, tracker, store, hooks);
  let onSignal!: () => void;
  const signalled = new Promise<number>((res) => (onSignal = () => res(EXIT.ok)));
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const code = await Promise.race([svc.ended, signalled]);
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
  await svc.stop();
  return code;
}

export interface RtorrentService {
  /** Resolves with an exit code if the service ends by itself (its session went away). */
  ended: Promise<number>;
  /** Finish pending work, run post_loop, stop watching. */
  stop(): Promise<void>;
}

/** The rtorrent index as a service inside another daemon (a `run` config's section). */
export async function startRtorrent(r: RtorrentRun): Promise<RtorrentService> {
  setHangFile(hangFileOf(r.db));
  const hooks = await loadHooks(r.hookFiles);
  const store = SessionStore.open(r.db);
  const out = log.withTag("rtorrent");
  const tracker = makeTracker({ ...r, dryRun: false }, store, hooks, (line) => out.info(line));
  const svc = await serve(r, tracker, store, hooks);
  return {
    ended: svc.ended,
    async stop() {
      await svc.stop();
      store.close();
    },
  };
}

/** Beside the index: the hooks that blocked seedwatch, by torrent, so that a restart skips them. */
function hangFileOf(db: string): string {
  return `${db}.hung`;
}

function makeTracker(r: RtorrentRun, store: SessionStore, hooks: Hooks, say: (line: string) => void): SessionTracker {
  const { session, args, remove, roots, dryRun, trash, maxDelete, hookTimeoutMs } = r;
  const warn = (line: string) => log.withTag("rtorrent").warn(line);
  const debug = logs("debug") ? (line: string) => log.withTag("rtorrent").debug(line) : () => {}; // 20,000 records cost more than the index
  return new SessionTracker({
    session,
    store,
    hooks,
    args,
    remove,
    roots,
    dryRun,
    trash,
    maxDelete,
    hookTimeoutMs,
    say,
    warn,
    debug,
  });
}

async function serve(
  r: RtorrentRun,
  tracker: SessionTracker,
  store: SessionStore,
  hooks: Hooks,
): Promise<RtorrentService> {
  const out = log.withTag("rtorrent");
  let end!: (code: number) => void;
  const ended = new Promise<number>((res) => (end = res));
  const watcher = new InotifyWatcher({
    onEvent: (ev: FsEvent) => {
      if (ev.kind !== "gone") return tracker.onEvent(ev);
      out.error(`the session directory ${ev.path} is gone; stopping`);
      end(EXIT.notFound);
    },
  });
  // Watch first, then reconcile: nothing written meanwhile can be missed.
  await watcher.add(r.session, {
    recursive: false,
    events: ["IN_CREATE", "IN_CLOSE_WRITE", "IN_MOVED_TO", "IN_MOVED_FROM", "IN_DELETE", "IN_ATTRIB"],
  });
  report(await tracker.reconcileAll(progress()), false);
  await loopHook(
    "pre_loop",
    hooks.pre_loop,
    [store.db, watcher, r.args, tracker.queues, tracker.qfuncs, tracker.inotifyFuncs],
    r.hookTimeoutMs,
  );
  out.info(`watching ${r.session}`);
  return {
    ended,
    async stop() {
      tracker.stop();
      await tracker.idle();
      await loopHook("post_loop", hooks.post_loop, [store.db, watcher, r.args], r.hookTimeoutMs);
      await watcher.close();
    },
  };
}

/** pre_loop and post_loop, under the watchdog like every hook; a failure is one line (stack at -v). */
async function loopHook(
  name: string,
  fn: ((...a: never[]) => unknown) | undefined,
  args: unknown[],
  timeoutMs: number,
): Promise<void> {
  if (!fn) return;
  const r = await callHook({ hook: `hook ${name}` }, fn, args, timeoutMs);
  if (!r.ok && r.kind !== "skipped") log.withTag("rtorrent").warn(withStack(r.error, r.stack));
}

/** Every --hooks file, in order; a hook defined in several files runs in each. */
async function loadHooks(files: string[]): Promise<Hooks> {
  const found: Record<string, ((...a: unknown[]) => unknown)[]> = {};
  for (const f of files) {
    const mod = await loadModule(f);
    const source = (mod.default && typeof mod.default === "object" ? mod.default : mod) as Record<string, unknown>;
    for (const name of HOOK_NAMES)
      if (typeof source[name] === "function") (found[name] ??= []).push(source[name] as never);
  }
  const hooks: Hooks = {};
  for (const [name, fns] of Object.entries(found)) {
    hooks[name as keyof Hooks] = (async (...args: unknown[]) => {
      let last: unknown;
      for (const fn of fns) last = await fn(...args);
      return last;
    }) as never;
  }
  return hooks;
}

function progress(): ((done: number, total: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  let last = 0;
  return (done, total) => {
    const now = performance.now();
    if (now - last < 100 && done !== total) return;
    last = now;
    process.stderr.write(`\rindexing ${done}/${total}${done === total ? "\n" : ""}`);
  };
}

function report(s: Summary, dryRun: boolean): void {
  const parts = [`${s.added} added`, `${s.updated} updated`, `${s.removed} removed`, `${s.unchanged} unchanged`];
  if (s.waiting) parts.push(`${s.waiting} waiting for their .rtorrent`);
  if (s.skipped.length)
    parts.push(
      `${s.skipped.length} unreadable (${s.skipped.map((k) => k.hash.slice(0, 8)).join(", ")}: see the warnings above)`,
    );
  if (s.completions) parts.push(`${s.completions} completion(s)`);
  if (s.deleted) parts.push(`${s.deleted} file(s) deleted`);
  if (s.hookFailures) parts.push(`${s.hookFailures} hook failure(s)`);
  log.withTag("rtorrent").info(`index${dryRun ? " (dry run: nothing was changed)" : ""}: ${parts.join(", ")}`);
}
