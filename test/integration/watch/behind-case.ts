// One generated case of "the watcher is behind" (behind.test.ts): build the initial tree,
// start an InotifyWatcher, apply the later operations, write a marker last, and once its
// event (and any rescan) arrived, compare the replayed events with the disk. Throws a
// report of what was done and what differs. The operations run
// - "blocked": synchronously on this thread, so nothing reads the inotify queue
//   meanwhile ("yield" lets the watcher catch up part of the way), or
// - "concurrent": in a child process, while the watcher runs, as on a busy machine.

import { mkdirSync, writeFileSync } from "node:fs";
import type { FsEvent } from "../../../src/events/index.ts";
import { InotifyWatcher } from "../../../src/watch/inotify.ts";
import { fastTempDir } from "./fast-tmp.ts";
import { EventLog } from "../../helpers/wait.ts";
import { diskPaths, pathDiff, PathModel } from "../../contracts/path-model.ts";
import { applyOp, type TreeOp } from "./tree-ops.ts";

export const MARKER = ".seedwatch-barrier";

const CHILD = `
  const { applyOp } = await import(${JSON.stringify(`${import.meta.dir}/tree-ops.ts`)});
  const [root, outside, ops] = [process.argv[1], process.argv[2], JSON.parse(process.argv[3])];
  console.log(JSON.stringify(ops.map((op, i) => applyOp(op, root, outside, i))));`;

export async function runCase(
  initial: readonly TreeOp[],
  later: readonly TreeOp[],
  how: "blocked" | "concurrent",
): Promise<void> {
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
    const done =
      how === "blocked"
        ? await applyBlocked(later, root, outside, trace)
        : await applyConcurrently(later, root, outside);
    trace.push("-- marker written");
    writeFileSync(`${root}/${MARKER}`, "");
    await log.until((e) => e.path === `${root}/${MARKER}` && e.kind === "create", "barrier");
    if (model.stale) await log.until((e) => e.kind === "rescanned", "rescanned", 30_000);
    const diff = pathDiff(model.paths, diskPaths(root));
    if (!diff && problems.length === 0) return;
    const lines = (xs: string[]) => xs.map((x) => `  ${x}`).join("\n");
    throw new Error(
      `model and disk differ\nbefore watching:\n${lines(before)}\nwhile behind:\n${lines(done)}\n${diff}\n` +
        `problems: ${problems.join("; ")}\nevents:\n${lines(trace)}`,
    );
  } finally {
    await w.close();
  }
}

async function applyBlocked(ops: readonly TreeOp[], root: string, outside: string, trace: string[]): Promise<string[]> {
  const done: string[] = [];
  for (const [i, op] of ops.entries()) {
    if (op.op === "yield") {
      trace.push("-- yield");
      await new Promise((r) => setImmediate(r));
    }
    done.push(applyOp(op, root, outside, i));
  }
  return done;
}

async function applyConcurrently(ops: readonly TreeOp[], root: string, outside: string): Promise<string[]> {
  const child = Bun.spawn([process.execPath, "-e", CHILD, root, outside, JSON.stringify(ops)], {
    stdout: "pipe",
    stderr: "pipe",
  });
  const [code, out, err] = await Promise.all([
    child.exited,
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ]);
  if (code !== 0) throw new Error(`the child applying the operations failed (${code}): ${err}`);
  return JSON.parse(out) as string[];
}

function describe(e: FsEvent, root: string): string {
  const rel = (p: string) => JSON.stringify(p.startsWith(`${root}/`) ? p.slice(root.length + 1) : p);
  const other = e.from !== undefined ? ` from ${rel(e.from)}` : e.to !== undefined ? ` to ${rel(e.to)}` : "";
  return `${e.kind} ${e.names.join("|")} ${rel(e.path)}${other}${e.synthetic ? " (synthetic)" : ""}`;
}
