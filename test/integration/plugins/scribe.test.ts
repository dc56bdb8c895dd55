// Scribe through the compiled binary and real inotify: iObserver's lines, a rename as one
// line (also across two watches), names that cannot break a line, lost events said,
// nothing lost on SIGTERM, and the file reopened for logrotate.

import { describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { encodePath } from "../../../src/events/index.ts";
import { unescapeName } from "../../../src/plugins/scribe/format.ts";
import { fsPath } from "../../../src/fs/path.ts";
import { Running } from "../../helpers/bin.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { waitFor } from "../../helpers/wait.ts";
import { fastTempDir } from "../watch/fast-tmp.ts";
import { writeConfig } from "./rig.ts";

const logLines = (file: string) => (existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean) : []);
/** The lines without their time stamp. */
const bare = (file: string) => logLines(file).map((l) => l.replace(/^\S+ /, ""));

describe("Scribe", () => {
  test("iObserver's lines; a rename is one line, also across two watches; moves in and out", async () => {
    using dir = tempDir("scribe");
    for (const d of ["a", "b", "out"]) mkdirSync(dir.join(d));
    writeFileSync(dir.join("out/in"), "");
    const log = dir.join("log/changes.log");
    const cfg = writeConfig(
      dir,
      `import { Scribe } from "seedwatch";
const scribe = new Scribe({ log: "./log/changes.log" });
export default new Pyinotifyd({ watches: [
  new Watch({ path: "${dir.join("a")}", rec: true, auto_add: true, plugins: [scribe] }),
  new Watch({ path: "${dir.join("b")}", rec: true, auto_add: true, plugins: [scribe] })] });`,
    );
    await using w = new Running(["run", cfg]);
    await w.waitStderr(/running /, "running");
    // One step at a time: a file made and renamed away before its new folder is watched
    // is (rightly) never seen, and this test is about the lines, not that race.
    const steps: [() => void, string][] = [
      [() => mkdirSync(dir.join("a/d")), "directory 'd' was CREATED"],
      [() => writeFileSync(dir.join("a/d/f"), "x"), "file 'f' was CLOSED"],
      [() => chmodSync(dir.join("a/d/f"), 0o600), "was changed"],
      [() => renameSync(dir.join("a/d/f"), dir.join("a/d/g")), "/d/g'"],
      [() => renameSync(dir.join("a/d/g"), dir.join("b/h")), "/b/h'"],
      [() => renameSync(dir.join("b/h"), dir.join("out/h")), "MOVED OUT"],
      [() => renameSync(dir.join("out/in"), dir.join("b/in")), "MOVED IN"],
      [() => rmSync(dir.join("b/in")), "file 'in' was DELETED"],
    ];
    for (const [step, line] of steps) {
      step();
      await waitFor(() => bare(log).some((l) => l.endsWith(line)), line);
    }
    expect(await w.stop("SIGTERM")).toBe(0);
    const [a, b] = [dir.join("a"), dir.join("b")];
    expect(bare(log)).toEqual([
      `scribe: ${a}: WATCH STARTED`,
      `scribe: ${b}: WATCH STARTED`,
      `scribe: ${a}: directory 'd' was CREATED`,
      `scribe: ${a}/d: file 'f' was CREATED`,
      `scribe: ${a}/d: file 'f' was CLOSED`,
      `scribe: ${a}/d: The METADATA for file 'f' was changed`,
      `scribe: MOVE events matched: file '${a}/d/f' was moved to '${a}/d/g'`,
      `scribe: MOVE events matched: file '${a}/d/g' was moved to '${b}/h'`,
      `scribe: ${b}: file 'h' just MOVED OUT`,
      `scribe: ${b}: file 'in' just MOVED IN`,
      `scribe: ${b}: file 'in' was DELETED`,
      `scribe: ${b}: WATCH STOPPED`, // services stop in reverse order of start
      `scribe: ${a}: WATCH STOPPED`,
    ]);
    expect(logLines(log)[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z scribe: /);
  });

  test(
    "a name with a newline, a quote or bytes that are not UTF-8 is one line, " + "read back exactly; json too",
    async () => {
      using dir = tempDir("scribe");
      mkdirSync(dir.join("w"));
      const names = ["new\nline", "it's", "caf\udce9", "back\\slash"];
      const cfg = writeConfig(
        dir,
        `import { Scribe } from "seedwatch";
export default new Pyinotifyd({ watches: [new Watch({ path: "${dir.join("w")}",
  plugins: [new Scribe({ log: "${dir.join("text.log")}", events: ["IN_CREATE"] }),
    new Scribe({ log: "${dir.join("json.log")}", format: "json", events: ["IN_CREATE"] })] })] });`,
      );
      await using w = new Running(["run", cfg]);
      await w.waitStderr(/running /, "running");
      for (const n of names) writeFileSync(fsPath(`${dir.path}/w/${n}`), ""); // not dir.join: node:path loses non-UTF-8
      await waitFor(() => logLines(dir.join("json.log")).length === names.length + 1, "json lines");
      expect(await w.stop("SIGTERM")).toBe(0);
      const text = bare(dir.join("text.log")).slice(1, -1);
      expect(text.length).toBe(names.length);
      const back = text.map((l) => unescapeName(/file '((?:[^'\\]|\\.)*)' was CREATED$/.exec(l)![1]!));
      expect(back.map((n) => [...encodePath(n)])).toEqual(names.map((n) => [...encodePath(n)]));
      const json = logLines(dir.join("json.log")).map((l) => JSON.parse(l));
      expect(json[0]).toMatchObject({ kind: "started", root: dir.join("w") });
      expect(json.slice(1, -1).map((o) => [...encodePath(o.path)])).toEqual(
        names.map((n) => [...encodePath(`${dir.path}/w/${n}`)]),
      );
    },
  );

  test("lines are buffered but never lost on SIGTERM", async () => {
    using dir = tempDir("scribe");
    mkdirSync(dir.join("w"));
    const cfg = writeConfig(
      dir,
      `import { Scribe } from "seedwatch";
const t = new TaskScheduler({ job: () => {} });
export default new Pyinotifyd({ watches: [new Watch({ path: "${dir.join("w")}", event_map: { IN_CLOSE_WRITE: t },
  plugins: [new Scribe({ log: "${dir.join("changes.log")}", events: ["IN_CLOSE_WRITE"] })] })] });`,
    );
    await using w = new Running(["run", cfg]);
    await w.waitStderr(/running /, "running");
    for (let i = 0; i < 200; i++) writeFileSync(dir.join(`w/f${i}`), "");
    // The task of the last file has run: Scribe got the same event; its line may still be buffered.
    await w.waitStderr(/task finished, mask=IN_CLOSE_WRITE, path=.*\/w\/f199,/, "the last event handled");
    expect(await w.stop("SIGTERM")).toBe(0);
    const closed = bare(dir.join("changes.log")).filter((l) => l.endsWith("was CLOSED"));
    expect(closed.length).toBe(200);
  });

  test("SIGUSR1 and SIGHUP reopen the file, so logrotate's rename starts a new one", async () => {
    using dir = tempDir("scribe");
    mkdirSync(dir.join("w"));
    const log = dir.join("changes.log");
    const cfg = writeConfig(
      dir,
      `import { Scribe } from "seedwatch";
export default new Pyinotifyd({ watches: [new Watch({ path: "${dir.join("w")}",
  plugins: [new Scribe({ log: "${log}", events: ["IN_CREATE"] })] })] });`,
    );
    await using w = new Running(["run", cfg]);
    await w.waitStderr(/running /, "running");
    writeFileSync(dir.join("w/one"), "");
    await waitFor(() => bare(log).some((l) => l.includes("'one'")), "one");
    renameSync(log, `${log}.1`);
    w.proc.kill("SIGUSR1");
    await w.waitStderr(/got signal SIGUSR1: reopening log files/, "reopened");
    writeFileSync(dir.join("w/two"), "");
    await waitFor(() => bare(log).some((l) => l.includes("'two'")), "two in the new file");
    renameSync(log, `${log}.2`);
    w.proc.kill("SIGHUP");
    await w.waitStderr(/config reloaded/, "reloaded");
    writeFileSync(dir.join("w/three"), "");
    await waitFor(() => bare(log).some((l) => l.includes("'three'")), "three in the newest file");
    expect(await w.stop("SIGTERM")).toBe(0);
    expect(bare(`${log}.1`).some((l) => l.includes("'two'"))).toBe(false);
    expect(bare(`${log}.2`).some((l) => l.includes("'two'"))).toBe(true);
  });

  test("an overflow is logged, and the rescan after it too; " +
    "what the rescan lists is not logged as created", async () => {
    using dir = fastTempDir("scribe");
    mkdirSync(dir.join("w"));
    const log = dir.join("changes.log");
    const cfg = writeConfig(
      dir,
      `import { Scribe } from "seedwatch";
export default new Pyinotifyd({ watches: [new Watch({ path: "${dir.join("w")}",
  plugins: [new Scribe({ log: "${log}", events: ["IN_CREATE"] })] })] });`,
    );
    await using w = new Running(["run", cfg]);
    await w.waitStderr(/running /, "running");
    const queue = Number(readFileSync("/proc/sys/fs/inotify/max_queued_events", "utf8"));
    process.kill(w.proc.pid, "SIGSTOP");
    for (let i = 0; i < queue + 100; i++) writeFileSync(dir.join(`w/f${i}`), "");
    process.kill(w.proc.pid, "SIGCONT");
    await waitFor(() => bare(log).some((l) => l.includes("RESCANNED")), "rescanned", 30_000);
    expect(await w.stop("SIGTERM")).toBe(0);
    const lines = bare(log);
    const lost = lines.findIndex((l) =>
      l.endsWith("events were LOST (the kernel's event queue overflowed); rescanning"),
    );
    const rescanned = lines.findIndex((l) => l.includes("RESCANNED after lost events"));
    expect(lost).toBeGreaterThan(0);
    expect(rescanned).toBeGreaterThan(lost);
    expect(lines.slice(lost, rescanned).filter((l) => l.endsWith("was CREATED"))).toEqual([]);
  }, 60_000);
});
