// How `seedwatch rtorrent` and `run`'s rtorrent section show a full reconcile of the
// index: a progress bar on a terminal, then one summary line.

import { log } from "../log.ts";
import type { IndexView } from "../rtorrent/service.ts";
import type { Summary } from "../rtorrent/tracker.ts";

/** The view of a daemon's first reconcile. */
export function indexView(): IndexView {
  return { progress: progressBar(), indexed: (s) => reportIndex(s, false) };
}

/** "indexing 500/20000" on standard error, redrawn at most every 100 ms; none without a terminal. */
export function progressBar(): ((done: number, total: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  let last = 0;
  return (done, total) => {
    const now = performance.now();
    if (now - last < 100 && done !== total) return;
    last = now;
    process.stderr.write(`\rindexing ${done}/${total}${done === total ? "\n" : ""}`);
  };
}

/** One log line: what the reconcile did. */
export function reportIndex(s: Summary, dryRun: boolean): void {
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
