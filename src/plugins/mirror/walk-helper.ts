// WalkHelper: a second thread for a LocalReplica's long walks. Comparing a big tree is
// mostly system calls (an lstat on each side per file; per copied file a read lease,
// copy, chmod, utimes, rename), which one JavaScript thread makes one after another,
// while rsync spreads the same work over two processes. LocalReplica.reconcile hands
// whole sub-trees from the bottom of its stack (the largest pending ones) to this helper,
// which runs the same LocalReplica code on them in a Worker (walk-worker.ts), and keeps
// walking the rest itself. What the helper found (files busy, gone or failing) comes back
// to the walk's WalkControl; the walk ends only when both threads are done, so the
// mirror's queue order is unchanged. A helper that cannot start or dies leaves its
// sub-trees to the calling thread: the same result, one thread.

import type { LocalSetup } from "./local.ts";
import type { Tally, WalkControl } from "./replica.ts";
import { threadUrl } from "../../threads.ts";

/** Sub-trees handed over at once: one being walked, one waiting, so the helper never idles between two. */
const IN_FLIGHT = 2;

/** What the worker is told once (walk-worker.ts). */
export interface HelperInit {
  source: string;
  destination: string;
  delete: boolean;
  owner: boolean;
  excludes: ({ source: string; flags: string } | string)[];
  /** Int32Array over it: [0] = 1 asks the walk to stop. */
  stop: SharedArrayBuffer;
}

/** One sub-tree walked by the worker: what it did and found. */
export interface HelperResult {
  id: number;
  tally: Tally;
  busy: string[];
  missing: string[];
  failed: { rel: string; code?: string; syscall?: string; path?: string; message: string }[];
  warnings: string[];
}

export class WalkHelper {
  private readonly worker: Worker;
  private readonly stop = new SharedArrayBuffer(4);
  /** What to do with each sub-tree's result (undefined: the helper died first), by request id. */
  private readonly waiting = new Map<number, (r: HelperResult | undefined) => void>();
  private next = 0;
  private dead = false;

  constructor(
    setup: LocalSetup,
    destination: string,
    private readonly warn: (message: string) => void,
  ) {
    this.worker = new Worker(threadUrl("plugins/mirror/walk-worker.ts"));
    const init: HelperInit = {
      source: setup.source,
      destination,
      delete: setup.delete,
      owner: setup.owner,
      excludes: setup.excludes.list.map((p) => (typeof p === "string" ? p : { source: p.source, flags: p.flags })),
      stop: this.stop,
    };
    this.worker.postMessage(init);
    this.worker.onmessage = (e: MessageEvent<HelperResult>) => this.settle(e.data.id, e.data);
    this.worker.onerror = (e) => {
      if (!this.dead) this.warn(`the walk's second thread stopped (${e.message}); going on with one thread`);
      this.dead = true;
      for (const id of [...this.waiting.keys()]) this.settle(id, undefined);
    };
  }

  /** Whether another sub-tree may be handed over now. */
  get free(): boolean {
    return !this.dead && this.waiting.size < IN_FLIGHT;
  }

  get busy(): boolean {
    return this.waiting.size > 0;
  }

  /**
   * Walk `rel` (its folder already made in the destination) in the helper. Resolves once it
   * is done and its findings were handed to `ctl`; false if the helper died first (the
   * caller walks it then).
   */
  walk(rel: string, ctl: WalkControl, tally: Tally): Promise<boolean> {
    const id = this.next++;
    return new Promise<boolean>((resolve) => {
      this.waiting.set(id, (r) => {
        if (!r) return resolve(false);
        for (const k of ["copied", "bytes", "removed", "renamed"] as const) tally[k] += r.tally[k];
        for (const m of r.warnings) this.warn(m);
        for (const p of r.busy) ctl.busy(p);
        for (const p of r.missing) ctl.missing(p);
        for (const f of r.failed)
          ctl.failed(f.rel, Object.assign(new Error(f.message), { code: f.code, syscall: f.syscall, path: f.path }));
        resolve(true);
      });
      this.worker.postMessage({ id, rel });
    });
  }

  /** Ask the helper to stop walking soon (the mirror ends). */
  halt(): void {
    Atomics.store(new Int32Array(this.stop), 0, 1);
  }

  close(): void {
    this.dead = true;
    this.worker.terminate();
    for (const id of [...this.waiting.keys()]) this.settle(id, undefined);
  }

  private settle(id: number, r: HelperResult | undefined): void {
    const w = this.waiting.get(id);
    if (!w) return;
    this.waiting.delete(id);
    w(r);
  }
}
