// Tasks follow their file (issue "Trust first", item 9): a rename of the file or of a
// directory above it during the delay moves the pending task to the new path; a file
// that leaves the tree loses what was pending. Daemon + FakeWatcher + FakeClock.

import { afterEach, describe, expect, test } from "bun:test";
import { fsEvent } from "../../../src/events/index.ts";
import { Cancel, type TaskScheduler } from "../../../src/rules/scheduler.ts";
import { ShellScheduler } from "../../../src/rules/shell.ts";
import type { ProcessRunner, RunRequest } from "../../../src/process/runner.ts";
import { settle } from "../../fakes/clock.ts";
import { restoreLog, rulesRig } from "./rig.ts";

afterEach(restoreLog);

const writes = (s: TaskScheduler) => ({ IN_CLOSE_WRITE: s });

describe("pending tasks follow moves", () => {
  test("a directory renamed during the delay: every task below it runs on the new path", async () => {
    const r = await rulesRig({ map: writes, dirs: ["/w/album/cd1"] });
    r.fs.write("/w/album/a.flac", "A");
    r.fs.write("/w/album/cd1/b.flac", "B");
    r.fs.write("/w/other.flac", "O");
    await r.clock.advance(5000);
    r.fs.rename("/w/album", "/w/Album (2024)");
    await r.clock.advance(10_000);
    expect(r.runs.map((x) => [x.path, x.content]).sort()).toEqual([
      ["/w/Album (2024)/a.flac", "A"],
      ["/w/Album (2024)/cd1/b.flac", "B"],
      ["/w/other.flac", "O"],
    ]);
    expect(r.sched.counts).toEqual({ delayed: 0, running: 0 });
  });

  test(
    "the move does not re-arm the delay (no event of the map came), " +
      "and IN_MOVED_* never reach a map that lacks them",
    async () => {
      const r = await rulesRig({ map: writes });
      r.fs.write("/w/a", "A");
      await r.clock.advance(9000);
      r.fs.rename("/w/a", "/w/b");
      await r.clock.advance(1000);
      expect(r.runs).toEqual([{ path: "/w/b", mask: "IN_CLOSE_WRITE", id: r.runs[0]!.id, content: "A" }]);
    },
  );

  test(
    "a Cancel on IN_MOVED_FROM (the example config's map) " + "does not lose a file renamed within the tree",
    async () => {
      const r = await rulesRig({
        map: (s) => ({ IN_CLOSE_WRITE: s, IN_MOVED_FROM: new Cancel(s), IN_DELETE: new Cancel(s) }),
        dirs: ["/w/d"],
      });
      r.fs.write("/w/d/f", "F");
      r.fs.rename("/w/d", "/w/e");
      r.fs.rename("/w/e/f", "/w/e/g");
      await r.clock.advance(10_000);
      expect(r.runs.map((x) => x.path)).toEqual(["/w/e/g"]);
    },
  );

  test("moved out of the tree, or under a directory moved out: dropped", async () => {
    const r = await rulesRig({ map: writes, dirs: ["/w/d"] });
    r.fs.write("/w/f", "F");
    r.fs.write("/w/d/g", "G");
    r.fs.rename("/w/f", "/out/f");
    r.fs.rename("/w/d", "/out/d");
    await r.clock.advance(60_000);
    expect(r.runs).toEqual([]);
    expect(r.sched.counts).toEqual({ delayed: 0, running: 0 });
  });

  test("below a deleted directory (its files' own deletes unseen, e.g. an overflow): dropped", async () => {
    const r = await rulesRig({ map: writes, dirs: ["/w/d/e"] });
    r.fs.write("/w/d/e/f", "F");
    r.fs.write("/w/d2", "keep");
    r.inject(fsEvent("IN_DELETE", "/w/d", true, "/w"));
    await r.clock.advance(60_000);
    expect(r.runs.map((x) => x.path)).toEqual(["/w/d2"]);
  });

  test("a deleted file's pending task is dropped even without a Cancel in the map", async () => {
    const r = await rulesRig({ map: writes });
    r.fs.write("/w/f", "F");
    r.fs.rm("/w/f");
    await r.clock.advance(60_000);
    expect(r.runs).toEqual([]);
  });

  test("a running job is not touched; its pending re-run follows the rename of its directory", async () => {
    const r = await rulesRig({ map: writes, dirs: ["/w/d"], delay: 0, hold: true });
    r.fs.write("/w/d/f", "1");
    await settle();
    r.fs.write("/w/d/f", "2"); // during the job: one re-run
    r.fs.rename("/w/d", "/w/e");
    await r.release();
    expect(r.runs.map((x) => [x.path, x.content])).toEqual([
      ["/w/d/f", "1"],
      ["/w/e/f", "2"],
    ]);
    expect(r.runs[1]!.id).toBe(r.runs[0]!.id);
    await r.release();
    expect(r.sched.counts).toEqual({ delayed: 0, running: 0 });
  });

  test("a file moved onto a path with a pending task replaces it: one run, for the file that is there", async () => {
    const r = await rulesRig({ map: writes });
    r.fs.write("/w/a", "A");
    r.fs.write("/w/b", "B");
    r.fs.rename("/w/a", "/w/b");
    await r.clock.advance(60_000);
    expect(r.runs.map((x) => [x.path, x.content])).toEqual([["/w/b", "A"]]);
  });

  test("singlejob: the one task's event follows too", async () => {
    const r = await rulesRig({ map: writes, singlejob: true, dirs: ["/w/d"] });
    r.fs.write("/w/d/f", "F");
    r.fs.rename("/w/d", "/w/e");
    await r.clock.advance(60_000);
    expect(r.runs.map((x) => x.path)).toEqual(["/w/e/f"]);
  });

  test("a moved file's new path is excluded by the watch: dropped", async () => {
    const r = await rulesRig({ map: writes, dirs: ["/w/tmp"], watch: { exclude_filter: ["^/w/tmp/"] } });
    r.fs.write("/w/f", "F");
    // as if the engine paired it
    r.inject(fsEvent("IN_MOVED_FROM", "/w/f", false, "/w", { kind: "move", to: "/w/tmp/f" }));
    await r.clock.advance(60_000);
    expect(r.runs).toEqual([]);
  });

  test("ShellScheduler: {pathname} in the command is the new path", async () => {
    const argv: string[][] = [];
    const runner: ProcessRunner = {
      run: async (req: RunRequest) => (
        argv.push([...req.argv]), { code: 0, signal: undefined, timedOut: false, stdout: "", stderr: "", durationMs: 0 }
      ),
    };
    const shell = new ShellScheduler({ cmd: ["mv", "{pathname}", "/done/"], delay: 10 });
    shell.useRunner(runner);
    const r = await rulesRig({ map: () => writes(shell), scheduler: shell, dirs: ["/w/d"] });
    r.fs.write("/w/d/f", "F");
    r.fs.rename("/w/d", "/w/e");
    await r.clock.advance(10_000);
    await settle();
    expect(argv).toEqual([["mv", "/w/e/f", "/done/"]]);
  });
});
