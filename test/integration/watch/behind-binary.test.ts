// The compiled binary behind the disk, as on a loaded machine: `seedwatch watch -r` is
// stopped with SIGSTOP while files and directories are made, filled and renamed, then
// resumed with SIGCONT (or it runs while a script races it). Every test replays the
// --json events (test/contracts/path-model.ts) and compares with the disk once a marker
// written last was reported (and, after an overflow, once the rescan ended).
//
// Burst sizes: CI runs sizes that fail without the fix in seconds; `bash test/props.sh`
// (SEEDWATCH_PROP_RUNS set) runs the 50,000-file burst of the issue.

import { describe, expect, test } from "bun:test";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import type { FsEvent } from "../../../src/events/index.ts";
import { Running } from "../../helpers/bin.ts";
import { assertProperty, fc } from "../../helpers/prop.ts";
import { fastTempDir } from "./fast-tmp.ts";
import { waitFor } from "../../helpers/wait.ts";
import { diskPaths, pathDiff, PathModel } from "../../contracts/path-model.ts";
import { applyOp, initialOps, laterOps } from "./tree-ops.ts";

const LARGE = Number(process.env.SEEDWATCH_PROP_RUNS) > 0;
/** makedirs + write + rename, N times, in another process (the script). */
const MAKE_FILL_RENAME = `
  const fs = require("node:fs");
  const [dir, from, to] = [process.argv[1], Number(process.argv[2]), Number(process.argv[3])];
  for (let i = from; i < to; i++) {
    fs.mkdirSync(dir + "/tmp" + i + "/sub", { recursive: true });
    fs.writeFileSync(dir + "/tmp" + i + "/sub/f", "x");
    fs.renameSync(dir + "/tmp" + i, dir + "/final" + i);
  }`;

function makeFillRename(dir: string, from: number, to: number): Promise<number> {
  return Bun.spawn([process.execPath, "-e", MAKE_FILL_RENAME, dir, String(from), String(to)]).exited;
}

function watch(dir: string, prefix?: string[]): Running {
  return new Running(["watch", "-r", "--json", dir], { prefix });
}

/** Run under a user namespace whose inotify watch limit is `limit` (needs unshare -Ur). */
function withWatchLimit(limit: number): string[] {
  return ["unshare", "-Ur", "sh", "-c", 'echo "$0" > /proc/sys/user/max_inotify_watches && exec "$@"', String(limit)];
}

const CAN_LIMIT_WATCHES = Bun.spawnSync([...withWatchLimit(100), "true"]).exitCode === 0;

/** The --json events printed so far (complete lines only). */
function eventsOf(w: Running): FsEvent[] {
  const text = w.stdout;
  return text
    .slice(0, text.lastIndexOf("\n") + 1)
    .split("\n")
    .filter(Boolean)
    .map((l) => {
      const j = JSON.parse(l);
      return {
        kind: j.kind,
        path: j.path,
        names: j.events,
        dir: j.dir,
        root: j.root,
        from: j.from,
        to: j.to,
        synthetic: j.synthetic,
      };
    });
}

function waitEvent(w: Running, pred: (e: FsEvent) => boolean, label: string, timeoutMs?: number): Promise<FsEvent> {
  return waitFor(
    () =>
      eventsOf(w).find(pred) ??
      (w.proc.exitCode !== null ? Promise.reject(new Error(`seedwatch exited: ${w.stderr}`)) : undefined),
    label,
    timeoutMs,
  );
}

/** Write a marker, wait for it (and for the rescan after an overflow), replay, compare. */
async function expectModelMatchesDisk(w: Running, root: string, timeoutMs = 30_000): Promise<FsEvent[]> {
  const marker = `${root}/.seedwatch-barrier`;
  writeFileSync(marker, "");
  await waitEvent(w, (e) => e.kind === "create" && e.path === marker, "the marker", timeoutMs);
  if (eventsOf(w).some((e) => e.kind === "overflow"))
    await waitEvent(w, (e) => e.kind === "rescanned", "the rescan", timeoutMs);
  const events = eventsOf(w);
  const model = new PathModel(root);
  events.forEach(model.apply);
  expect(pathDiff(model.paths, diskPaths(root))).toBe("");
  return events;
}

describe("seedwatch watch behind the disk", () => {
  test(
    "kill -STOP; mkdir -p w/a/b; touch w/a/b/f; " + "mv w/a w/r; kill -CONT: w/r/b and w/r/b/f are reported",
    async () => {
      using dir = fastTempDir("bin");
      const root = dir.join("w");
      mkdirSync(root);
      await using w = new Running(["watch", "-r", "--format", "%e %w%f", root]);
      await w.ready();
      process.kill(w.proc.pid, "SIGSTOP");
      mkdirSync(`${root}/a/b`, { recursive: true });
      writeFileSync(`${root}/a/b/f`, "");
      renameSync(`${root}/a`, `${root}/r`);
      writeFileSync(`${root}/marker`, "");
      process.kill(w.proc.pid, "SIGCONT");
      await w.waitLine((l) => l === `CREATE ${root}/marker`, "marker");
      expect(w.lines().slice(0, 3)).toEqual([
        `CREATE,ISDIR ${root}/a`,
        `MOVED_FROM,ISDIR ${root}/a`,
        `MOVED_TO,ISDIR ${root}/r`,
      ]);
      expect(w.lines()).toContain(`CREATE,ISDIR ${root}/r/b`);
      expect(w.lines()).toContain(`CREATE ${root}/r/b/f`);
      // and r/b is watched from now on
      writeFileSync(`${root}/r/b/later`, "");
      await w.waitLine((l) => l === `CLOSE_WRITE ${root}/r/b/later`, "a file written later in r/b");
    },
  );

  test("a script doing makedirs + write + rename 2,000 times while the watcher runs: nothing is lost", async () => {
    using dir = fastTempDir("bin");
    const root = dir.join("w");
    mkdirSync(root);
    await using w = watch(root);
    await w.ready();
    expect(await makeFillRename(root, 0, 2000)).toBe(0);
    await expectModelMatchesDisk(w, root);
  });

  test(
    "a burst while stopped, smaller than the kernel queue: " +
      "every renamed directory is listed, every rename is a move",
    async () => {
      using dir = fastTempDir("bin");
      const root = dir.join("w");
      mkdirSync(root);
      await using w = watch(root);
      await w.ready();
      process.kill(w.proc.pid, "SIGSTOP");
      const n = 3000; // 3 events each: 9,000 queued, more than one 256 KiB read of the fd holds
      expect(await makeFillRename(root, 0, n)).toBe(0);
      process.kill(w.proc.pid, "SIGCONT");
      const events = await expectModelMatchesDisk(w, root);
      expect(events.filter((e) => e.names[0] === "IN_MOVED_TO" && e.kind === "move").length).toBe(n);
      expect(events.filter((e) => e.kind === "overflow").length).toBe(0);
    },
  );

  test(`a burst of ${LARGE ? "50,000" : "6,000"} while stopped overflows the queue, ` +
    "and goes on after SIGCONT: nothing is lost", async () => {
    using dir = fastTempDir("bin");
    const root = dir.join("w");
    mkdirSync(root);
    await using w = watch(root);
    await w.ready();
    process.kill(w.proc.pid, "SIGSTOP");
    const n = LARGE ? 50_000 : 6000; // 3 events each: past the 16,384 the kernel queues
    expect(await makeFillRename(root, 0, n)).toBe(0);
    process.kill(w.proc.pid, "SIGCONT");
    const more = makeFillRename(root, n, n + (LARGE ? 5000 : 500)); // while it catches up and rescans
    expect(await more).toBe(0);
    const events = await expectModelMatchesDisk(w, root, LARGE ? 300_000 : 60_000);
    expect(events.some((e) => e.kind === "overflow")).toBe(true);
  }, 600_000);

  // The 50,000-file burst lost 10,400 files: about what is left unlisted when the
  // rescan runs out of watches at ~79,000 (a burst needs 2 per iteration). A directory
  // that cannot be watched is now still listed, so what it holds is reported.
  test.skipIf(!CAN_LIMIT_WATCHES)(
    `the same burst with too few inotify watches for the rescan: what it cannot watch is still reported`,
    async () => {
      using dir = fastTempDir("bin");
      const root = dir.join("w");
      mkdirSync(root);
      const n = LARGE ? 50_000 : 6000;
      await using w = watch(root, withWatchLimit(LARGE ? 79_000 : 5000));
      await w.ready();
      process.kill(w.proc.pid, "SIGSTOP");
      expect(await makeFillRename(root, 0, n)).toBe(0);
      process.kill(w.proc.pid, "SIGCONT");
      const events = await expectModelMatchesDisk(w, root, LARGE ? 300_000 : 60_000);
      expect(events.some((e) => e.kind === "overflow")).toBe(true);
      await w.waitStderr(/fs\.inotify\.max_user_watches/, "the watch limit named"); // stderr is its own pipe
    },
    600_000,
  );

  test("generated operations while the binary is stopped (SIGSTOP), then resumed", async () => {
    let cases = 0;
    const started = performance.now();
    const property = fc.asyncProperty(initialOps, laterOps, async (initial, later) => {
      cases++;
      using dir = fastTempDir("behind-bin");
      const [root, outside] = [dir.join("w"), dir.join("out")];
      mkdirSync(root);
      mkdirSync(outside);
      for (const [i, op] of initial.entries()) applyOp(op, root, outside, 1000 + i);
      const seeded = [...diskPaths(root)];
      await using w = watch(root);
      await w.ready();
      process.kill(w.proc.pid, "SIGSTOP");
      const done = later.map((op, i) => applyOp(op, root, outside, i));
      process.kill(w.proc.pid, "SIGCONT");
      const marker = `${root}/.seedwatch-barrier`;
      writeFileSync(marker, "");
      await waitEvent(w, (e) => e.kind === "create" && e.path === marker, "the marker");
      const model = new PathModel(root);
      for (const path of seeded) model.apply({ kind: "create", path, names: ["IN_CREATE"], dir: false, root });
      eventsOf(w).forEach(model.apply);
      const diff = pathDiff(model.paths, diskPaths(root));
      if (diff) throw new Error(`after:\n  ${done.join("\n  ")}\n${diff}\nevents:\n${w.stdout}`);
    });
    await assertProperty(property, 30); // ~60 ms a case
    console.log(`behind (binary): ${cases} generated cases in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }, 1_800_000);
});
