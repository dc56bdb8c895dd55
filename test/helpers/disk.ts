// TreeOps on the real filesystem (paths may carry non-UTF-8 bytes as escapes).

import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { fsPath } from "../../src/watch/scan.ts";
import type { Harness, TreeOps } from "../contracts/watcher.contract.ts";
import type { Watcher, WatcherHandlers } from "../../src/watch/watcher.ts";
import { tempDir } from "./tmp.ts";
import { EventLog } from "./wait.ts";

export const diskOps: TreeOps = {
  mkdirp: (p) => mkdirSync(fsPath(p) as string, { recursive: true }),
  write: (p, data = "") => writeFileSync(fsPath(p) as string, data),
  rename: (a, b) => renameSync(fsPath(a) as string, fsPath(b) as string),
  rm: (p) => rmSync(fsPath(p) as string, { recursive: true, force: true }),
};

/** A harness on a fresh temp dir, with `make` building the watcher under test. */
export function diskHarness(make: (h: WatcherHandlers) => Watcher): Harness {
  const dir = tempDir("contract");
  const root = dir.join("root");
  const outside = dir.join("outside");
  diskOps.mkdirp(root);
  diskOps.mkdirp(outside);
  const log = new EventLog();
  const problems: string[] = [];
  const watcher = make({ onEvent: log.push, onProblem: (p) => problems.push(`${p.path}: ${p.message}`) });
  return {
    root,
    outside,
    ops: diskOps,
    log,
    problems,
    watcher,
    async [Symbol.asyncDispose]() {
      await watcher.close();
      dir[Symbol.dispose]();
    },
  };
}
