// Issue "Trust first", item 10: when shutdown_timeout expires, running shell tasks were
// left running as orphans. Now each command's process group is ended, and the log says
// which task (path, task id, pid). The real binary, real shells with grandchildren.

import { expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { Running } from "../../helpers/bin.ts";
import { tempDir, type TempDir } from "../../helpers/tmp.ts";
import { waitFor } from "../../helpers/wait.ts";
import { killAll, liveWith, uniqueToken } from "../rules/procs.ts";

function config(dir: TempDir, tok: string, timeout: number): string {
  mkdirSync(dir.join("w"));
  writeFileSync(
    dir.join("config.ts"),
    `import { Pyinotifyd, ShellScheduler, Watch } from "seedwatch";
const s = new ShellScheduler({ cmd: "sleep 1000.${tok} & sleep 1000.${tok}" });
export default new Pyinotifyd({ shutdown_timeout: ${timeout},
  watches: [new Watch({ path: "${dir.join("w")}", event_map: { IN_CLOSE_WRITE: s } })] });`,
  );
  return dir.join("config.ts");
}

test("at the shutdown timeout, a running shell task's whole process group is ended, and the log names it", async () => {
  using dir = tempDir("shutdown");
  const tok = uniqueToken();
  try {
    await using w = new Running(["run", config(dir, tok, 0.3)]);
    await w.waitStderr(/running /, "running");
    writeFileSync(dir.join("w/f"), "");
    await waitFor(() => liveWith(tok).length >= 2, "the command and its background child run");
    expect(await w.stop("SIGTERM")).toBe(0);
    await waitFor(() => liveWith(tok).length === 0, "no process of the task's group left");
    expect(w.stderr).toMatch(
      new RegExp(`shutdown: ending the command, pid=\\d+ .*path=${dir.join("w/f")}, task_id=[0-9a-f-]{36}`),
    );
    expect(w.stderr).toMatch(/task failed: Error: ended at shutdown \(process group \d+\)/);
  } finally {
    killAll(liveWith(tok));
  }
});

test("a second signal exits at once, and kills the running commands' groups first", async () => {
  using dir = tempDir("shutdown");
  const tok = uniqueToken();
  try {
    await using w = new Running(["run", config(dir, tok, 600)]);
    await w.waitStderr(/running /, "running");
    writeFileSync(dir.join("w/f"), "");
    await waitFor(() => liveWith(tok).length >= 2, "the command and its background child run");
    w.proc.kill("SIGTERM");
    await w.waitStderr(/shutdown: waiting up to 600 s/, "shutdown waits");
    expect(await w.stop("SIGTERM")).toBe(130);
    await waitFor(() => liveWith(tok).length === 0, "no process of the task's group left");
    expect(w.stderr).toMatch(/exiting: killing the command, pid=\d+, and its process group/);
  } finally {
    killAll(liveWith(tok));
  }
});
