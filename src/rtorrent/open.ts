// Opening the rtorrent index for a run: every --hooks file, the store, and a
// SessionTracker wired to the log. Shared by the daemon (service.ts) and the one-shot
// runs (once.ts).

import type { Clock } from "../clock.ts";
import { setHangFile } from "../hooks/hung.ts";
import { loadModule } from "../hooks/load.ts";
import { log, logs } from "../log.ts";
import { SessionStore } from "./store.ts";
import { SessionTracker, type Hooks } from "./tracker.ts";

/** What `seedwatch rtorrent` and a run config's rtorrent section give. */
export interface TrackerSetup {
  session: string;
  /** Download roots: removal never goes outside them; --clean checks them. */
  roots: string[];
  db: string;
  hookFiles: string[];
  remove: boolean;
  trash?: string;
  maxDelete?: number;
  hookTimeoutMs: number;
  /** The parsed command line (or config section), as hooks receive it. */
  args: Record<string, unknown>;
  /**
   * seedwatch's own hooks in this process (the queue worker's completion report), run
   * after those of hookFiles, under the same rules: `complete` once per completion, again
   * later when it pushes its path back onto queues.complete.
   */
  listeners?: Hooks;
}

export interface OpenIndex {
  tracker: SessionTracker;
  store: SessionStore;
  hooks: Hooks;
}

export interface OpenOptions {
  /** -n: work on a copy of the index, and change no file. */
  dryRun: boolean;
  /** Where the tracker's lines go (the log; a dry run's go to standard output). */
  say: (line: string) => void;
  clock?: Clock;
}

/** Load the hooks, open the store (a copy for a dry run), make the tracker. */
export async function openIndex(setup: TrackerSetup, o: OpenOptions): Promise<OpenIndex> {
  setHangFile(`${setup.db}.hung`); // beside the index: hooks that blocked seedwatch, by torrent, skipped from then on
  const hooks = await loadHooks(setup.hookFiles, setup.listeners);
  const store = o.dryRun ? SessionStore.openCopy(setup.db) : SessionStore.open(setup.db);
  const out = log.withTag("rtorrent");
  const tracker = new SessionTracker({
    ...setup,
    store,
    hooks,
    dryRun: o.dryRun,
    clock: o.clock,
    say: o.say,
    warn: (line) => out.warn(line),
    debug: logs("debug") ? (line) => out.debug(line) : () => {}, // 20,000 records cost more than the index
  });
  return { tracker, store, hooks };
}

// --- internal ---

const HOOK_NAMES = ["pre_add", "post_add", "pre_remove", "post_remove", "complete", "pre_loop", "post_loop"] as const;

/** Every --hooks file, in order, then the in-process listeners; a hook defined in several runs in each. */
async function loadHooks(files: string[], listeners: Hooks = {}): Promise<Hooks> {
  const found: Record<string, ((...a: unknown[]) => unknown)[]> = {};
  const sources: Record<string, unknown>[] = [];
  for (const f of files) {
    const mod = await loadModule(f);
    sources.push((mod.default && typeof mod.default === "object" ? mod.default : mod) as Record<string, unknown>);
  }
  for (const source of [...sources, listeners as Record<string, unknown>])
    for (const name of HOOK_NAMES)
      if (typeof source[name] === "function") (found[name] ??= []).push(source[name] as never);
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
