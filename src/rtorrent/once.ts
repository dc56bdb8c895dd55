// One-shot runs of the index (`seedwatch rtorrent --once` for cron, and --clean): reconcile
// the session once, wait for the hooks, and with --clean deal with the files under PATHS
// that no torrent owns. No watcher: nothing here waits for events.

import { EXIT, SeedError } from "../errors.ts";
import { log } from "../log.ts";
import { dataEntries, judge } from "./clean.ts";
import { sessionProtection, unblockAdvice } from "./guard.ts";
import { rtorrentLock } from "./lock.ts";
import { openIndex, type TrackerSetup } from "./open.ts";
import { carryOut, planRemoval } from "./remover.ts";
import type { SessionStore } from "./store.ts";
import type { Summary } from "./tracker.ts";

export interface OnceOptions extends TrackerSetup {
  clean: boolean;
  /** --clean even if rtorrent.lock looks held. */
  force: boolean;
  /** -n: change nothing (files and database); say what a real run would do. */
  dryRun: boolean;
  /** Where a dry run's lines go (the command prints them on standard output). */
  print: (line: string) => void;
  progress?: (done: number, total: number) => void;
}

/** Reconcile once (and --clean); the summary, and the exit status it means. */
export async function indexOnce(o: OnceOptions): Promise<{ summary: Summary; code: number }> {
  if (o.clean) refuseWhileRunning(o);
  const out = log.withTag("rtorrent");
  const say = o.dryRun ? o.print : (line: string) => out.info(line);
  const { tracker, store } = await openIndex(o, { dryRun: o.dryRun, say });
  try {
    const summary = await tracker.reconcileAll(o.progress);
    await tracker.settled();
    if (o.clean && o.roots.length > 0) cleanOrphans(o, store, summary, say);
    const code = summary.hookFailures > 0 ? EXIT.hook : summary.refusedDeletes > 0 ? EXIT.usage : EXIT.ok;
    return { summary, code };
  } finally {
    store.close();
  }
}

// --- internal ---

function refuseWhileRunning(o: OnceOptions): void {
  const lock = rtorrentLock(o.session);
  if (lock.held && !o.force) {
    throw new SeedError(`rtorrent is running on this session (lock held by ${lock.by})`, {
      code: "locked",
      exitCode: EXIT.usage,
      hint: "stop rtorrent first, or pass -f if you are sure",
    });
  }
  if (!lock.held && lock.stale) log.withTag("rtorrent").info(`stale rtorrent.lock (${lock.stale}): going ahead`);
}

/** --clean: list (or with -r delete) what no torrent in the session can need under PATHS. */
function cleanOrphans(o: OnceOptions, store: SessionStore, summary: Summary, say: (l: string) => void): void {
  const out = log.withTag("rtorrent");
  const entries = dataEntries(o.roots);
  if (entries.length === 0) return say("0 file(s) under PATHS belong to no torrent"); // nothing to judge
  const protection = sessionProtection(store, o.session);
  if (protection.blockAll) {
    const b = protection.blockAll;
    out.warn(
      `nothing under PATHS is treated as orphaned: ${b.hash} is in the session but cannot be read ` +
        `(${b.unreadable?.reason}), so any file could be its data; ${unblockAdvice(o.session, b.hash)}`,
    );
    if (o.remove) summary.refusedDeletes++;
    return;
  }
  const lost = judge(protection, entries);
  say(`${lost.length} file(s) under PATHS belong to no torrent`);
  if (!o.remove) {
    for (const path of lost) say(`orphan ${JSON.stringify(path)}`);
    return;
  }
  if (o.maxDelete !== undefined && lost.length > o.maxDelete) {
    out.warn(`not deleting ${lost.length} orphan file(s): more than --max-delete ${o.maxDelete}`);
    summary.refusedDeletes += lost.length;
    return;
  }
  for (const root of o.roots) {
    const mine = lost.filter((p) => p.startsWith(`${root}/`));
    if (mine.length === 0) continue;
    const plan = planRemoval("", mine, root, true, [root], protection);
    plan.top = root;
    const done = carryOut(plan, { dryRun: o.dryRun, trash: o.trash, trashBase: root }, protection, say);
    summary.deleted += done.removed.length;
  }
}
