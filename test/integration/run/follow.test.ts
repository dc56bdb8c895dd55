// Issue "Trust first", item 9, end to end with the compiled binary and real inotify:
// tasks scheduled for files whose folder is renamed during the delay run on the new
// paths (before: 0 of 1,000 files were moved).

import { expect, test } from "bun:test";
import { mkdirSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { Running } from "../../helpers/bin.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { waitFor } from "../../helpers/wait.ts";

const FILES = 1000;
/**
 * Longer than any test: the tasks run when seedwatch is stopped (shutdown_pending "run",
 * the default), so no machine is too slow to rename the folder within the delay. The
 * delay's own timer on a followed task is unit-tested (test/unit/rules/follow.test.ts).
 */
const DELAY_S = 3600;

test(`${FILES} files in a folder renamed during the delay: every one is moved`, async () => {
  using dir = tempDir("follow");
  const src = dir.join("in");
  const dst = dir.join("done");
  mkdirSync(`${src}/batch`, { recursive: true });
  writeFileSync(
    dir.join("config.ts"),
    `import { Cancel, FileManagerRule, FileManagerScheduler, Pyinotifyd, Watch } from "seedwatch";
const files = new FileManagerScheduler({ delay: ${DELAY_S}, rules: [new FileManagerRule({ action: "move",
  src_re: "^${src}/(?P<path>.*)$", dst_re: "${dst}/\\\\g<path>", auto_create: true })] });
export default new Pyinotifyd({ shutdown_timeout: 300, watches: [new Watch({ path: "${src}", rec: true, auto_add: true,
  event_map: { IN_CLOSE_WRITE: files, IN_MOVED_TO: files,
    IN_MOVED_FROM: new Cancel(files), IN_DELETE: new Cancel(files) } })] });`,
  );
  await using w = new Running(["run", dir.join("config.ts")]);
  await w.waitStderr(/running /, "running");
  for (let i = 0; i < FILES; i++) writeFileSync(`${src}/batch/f${String(i).padStart(4, "0")}`, String(i));
  await waitFor(() => count(w.stderr, /schedule task, delay=/g) >= FILES, "every file scheduled", 60_000);
  renameSync(`${src}/batch`, `${src}/renamed`);
  await waitFor(() => count(w.stderr, /task follows a move from/g) >= FILES, "every task followed the rename", 60_000);
  expect(count(w.stderr, /start task/g)).toBe(0);
  expect(await w.stop("SIGTERM")).toBe(0); // the delayed tasks run now, on their new paths
  expect(count(w.stderr, /task finished/g)).toBe(FILES);
  expect(safeList(`${dst}/renamed`).length).toBe(FILES);
  expect(readdirSync(`${src}/renamed`)).toEqual([]);
  expect(w.stderr).not.toMatch(/task failed/);
}, 240_000);

function count(text: string, re: RegExp): number {
  return text.match(re)?.length ?? 0;
}

function safeList(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}
