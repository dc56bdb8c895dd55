// One generated case of "the watcher is behind" (behind.test.ts): build the initial tree,
// start an InotifyWatcher, apply the later operations synchronously on this thread (so
// nothing reads the inotify queue meanwhile; "yield" lets the watcher run), write a
// marker last, and once its event (and any rescan) arrived, compare the replayed events
// with the disk. Throws a report of what was done and what differs.

import { mkdirSync, writeFileSync } from "node:fs";
import type { FsEvent } from "../../../src/events/index.ts";
import { InotifyWatcher } from "../../../src/watch/inotify.ts";
import { fastTempDir } from "./fast-tmp.ts";
import { EventLog } from "../../helpers/wait.ts";
import { diskPaths, pathDiff, PathModel } from "../../contracts/path-model.ts";
import { applyOp, type TreeOp } from "./tree-ops.ts";

export const MARKER = ".seedwatch-barrier";

export async function runCase(initial: readonly TreeOp[], later: readonly TreeOp[]): Promise<void> {
  using dir = fastTempDir("behind");
  const root = dir.join("w");
  const outside = dir.join("out");
  mkdirSync(root);
  mkdirSync(outside);
  const before = initial.map((op, i) => applyOp(op, root, outside, 1000 + i));
  const model = new PathModel(root);
  const log = new EventLog();
  const trace: string[] = [];
  const problems: string[] = [];
  const w = new InotifyWatcher({
    onEvent: (e) => {
      model.apply(e);
      log.push(e);
      trace.push(describe(e, root));
    },
    onProblem: (p) => problems.push(`${p.path}: ${p.message}`),
  });
  try {
    await w.add(root);
    for (const path of diskPaths(root)) model.apply({ kind: "create", path, names: ["IN_CREATE"], dir: false, root });
    const done: string[] = [];
    for (const [i, op] of later.entries()) {
      if (op.op === "yield") {
        trace.push("-- yield");
        await new Promise((r) => setImmediate(r));
      }
      done.push(applyOp(op, root, outside, i));
    }
    trace.push("-- marker written");
    writeFileSync(`${root}/${MARKER}`, "");
    await log.until((e) => e.path === `${root}/${MARKER}` && e.kind === "create", "barrier");
    if (model.stale) await log.until((e) => e.kind === "rescanned", "rescanned", 30_000);
    const diff = pathDiff(model.paths, diskPaths(root));
    if (!diff && problems.length === 0) return;
    const lines = (xs: string[]) => xs.map((x) => `  ${x}`).join("\n");
    throw new Error(`model and disk differ\nbefore watching:\n${lines(before)}\nwhile behind:\n${lines(done)}\n${diff}\nproblems: ${problems.join("; ")}\nevents:\n${lines(trace)}`);
  } finally {
    await w.close();
  }
}

function describe(e: FsEvent, root: string): string {
  const rel = (p: string) => JSON.stringify(p.startsWith(`${root}/`) ? p.slice(root.length + 1) : p);
  const other = e.from !== undefined ? ` from ${rel(e.from)}` : e.to !== undefined ? ` to ${rel(e.to)}` : "";
  return `${e.kind} ${e.names.join("|")} ${rel(e.path)}${other}${e.synthetic ? " (synthetic)" : ""}`;
}
