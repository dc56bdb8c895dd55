// The worker behind walk-helper.ts: a LocalReplica of its own (same source, destination
// and rules) that walks the sub-trees it is given and says what it did and found.

import { makeExcludes } from "./exclude.ts";
import { LocalReplica } from "./local.ts";
import type { HelperInit, HelperResult } from "./walk-helper.ts";

declare const self: Worker;

let replica: LocalReplica | undefined;
let stop: Int32Array | undefined;
let ready: Promise<void> = Promise.resolve();
let warnings: string[] = [];

self.onmessage = (e: MessageEvent<HelperInit | { id: number; rel: string }>) => {
  const m = e.data;
  if ("source" in m) {
    stop = new Int32Array(m.stop);
    replica = new LocalReplica({
      source: m.source,
      destination: m.destination,
      delete: m.delete,
      owner: m.owner,
      excludes: makeExcludes(m.excludes.map((p) => (typeof p === "string" ? p : new RegExp(p.source, p.flags)))),
      helper: false,
      warn: (message) => warnings.push(message),
    });
    ready = replica.prepare();
    return;
  }
  ready = ready.then(() => walk(m.id, m.rel));
};

async function walk(id: number, rel: string): Promise<void> {
  const r = replica!;
  const before = { ...r.tally };
  const out: HelperResult = { id, tally: before, busy: [], missing: [], failed: [], warnings };
  try {
    await r.reconcile(rel, {
      stopped: () => Atomics.load(stop!, 0) === 1,
      breathe: async () => {},
      busy: (p) => out.busy.push(p),
      missing: (p) => out.missing.push(p),
      failed: (p, err) =>
        out.failed.push({ rel: p, code: err.code, syscall: err.syscall, path: err.path, message: err.message }),
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    out.failed.push({ rel, code: e.code, syscall: e.syscall, path: e.path, message: e.message });
  }
  out.tally = {
    copied: r.tally.copied - before.copied,
    bytes: r.tally.bytes - before.bytes,
    removed: r.tally.removed - before.removed,
    renamed: r.tally.renamed - before.renamed,
  };
  warnings = [];
  self.postMessage(out);
}
