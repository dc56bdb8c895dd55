// What only the inotify engine does: raw move names, overflow and rescan, watch limits,
// synthetic events under load, unmount.

import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import * as N from "../../../native/index.ts";
import { type SeedError, WatchLimitError } from "../../../src/errors.ts";
import type { FsEvent } from "../../../src/events/index.ts";
import { InotifyWatcher } from "../../../src/watch/inotify.ts";
import type { WatchProblem } from "../../../src/watch/watcher.ts";
import { diskOps as ops } from "../../helpers/disk.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { EventLog } from "../../helpers/wait.ts";

function watcher(extra: Partial<ConstructorParameters<typeof InotifyWatcher>[0]> = {}) {
  const log = new EventLog();
  const problems: WatchProblem[] = [];
  const w = new InotifyWatcher({ onEvent: log.push, onProblem: (p) => problems.push(p), ...extra });
  return { w, log, problems, [Symbol.asyncDispose]: () => w.close() };
}

/** Run a script in a child Bun process, blocking this thread until it ends. */
function blockingChild(script: string, ...args: string[]): void {
  const r = Bun.spawnSync([process.execPath, "-e", script, ...args], { stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`child failed: ${r.stderr}`);
}

describe("InotifyWatcher", () => {
  test("a move out keeps its raw name IN_MOVED_FROM; a move in, IN_MOVED_TO", async () => {
    using dir = tempDir();
    ops.mkdirp(dir.join("root"));
    ops.write(dir.join("root/out"));
    ops.write(dir.join("in"));
    await using t = watcher();
    await t.w.add(dir.join("root"));
    ops.rename(dir.join("root/out"), dir.join("out"));
    ops.rename(dir.join("in"), dir.join("root/in"));
    const out = await t.log.until((e) => e.path === dir.join("root/out"), "moved out");
    const inn = await t.log.until((e) => e.path === dir.join("root/in"), "moved in");
    expect(out).toMatchObject({ kind: "delete", names: ["IN_MOVED_FROM"] });
    expect(inn).toMatchObject({ kind: "create", names: ["IN_MOVED_TO"] });
  });

  test("a directory moved out stops being watched", async () => {
    using dir = tempDir();
    ops.mkdirp(dir.join("root/d/e"));
    await using t = watcher();
    await t.w.add(dir.join("root"));
    expect(t.w.stats().watches).toBe(3);
    ops.rename(dir.join("root/d"), dir.join("d"));
    await t.log.until((e) => e.path === dir.join("root/d") && e.kind === "delete", "d moved out");
    expect(t.w.stats().watches).toBe(1);
    ops.write(dir.join("d/e/x"));
    ops.write(dir.join("root/marker"));
    await t.log.until((e) => e.path === dir.join("root/marker") && e.kind === "write", "marker");
    expect(t.log.events.some((e) => e.path.endsWith("/x"))).toBe(false);
  });

  test("non-recursive: only the root's own entries", async () => {
    using dir = tempDir();
    ops.mkdirp(dir.join("sub"));
    await using t = watcher();
    await t.w.add(dir.path, { recursive: false });
    ops.write(dir.join("sub/inner"));
    ops.write(dir.join("top"));
    await t.log.until((e) => e.path === dir.join("top") && e.kind === "write", "top");
    expect(t.log.events.some((e) => e.path.includes("inner"))).toBe(false);
  });

  test("every file in 300 racing mkdir -p trees is reported exactly once", async () => {
    using dir = tempDir();
    await using t = watcher();
    await t.w.add(dir.path);
    const n = 300;
    // A separate process races directory creation against our add_watch calls.
    const child = Bun.spawn([
      process.execPath,
      "-e",
      `
      const fs = require("node:fs");
      for (let i = 0; i < ${n}; i++) {
        fs.mkdirSync(process.argv[1] + "/t" + i + "/a/b/c", { recursive: true });
        fs.writeFileSync(process.argv[1] + "/t" + i + "/a/b/c/f", "x");
      }`,
      dir.path,
    ]);
    expect(await child.exited).toBe(0);
    for (let i = 0; i < n; i++)
      await t.log.until((e) => e.path === dir.join(`t${i}/a/b/c/f`) && e.kind === "write", `t${i} f written`);
    ops.write(dir.join("barrier"));
    await t.log.until((e) => e.path === dir.join("barrier"), "barrier");
    for (let i = 0; i < n; i++) {
      const f = dir.join(`t${i}/a/b/c/f`);
      expect([i, t.log.named(f, "IN_CREATE").length, t.log.named(f, "IN_CLOSE_WRITE").length]).toEqual([i, 1, 1]);
    }
  });

  test("an overflowing queue is reported, rescanned, and nothing is lost", async () => {
    using dir = tempDir();
    await using t = watcher();
    await t.w.add(dir.path, { events: ["IN_CREATE"] });
    const queue = Number(readFileSync("/proc/sys/fs/inotify/max_queued_events", "utf8"));
    const files = queue + 1000; // one IN_CREATE each: more than the queue holds
    // spawnSync blocks this thread, so nothing drains the queue while the child writes.
    blockingChild(
      `const fs=require("node:fs"); for (let i=0;i<${files};i++) fs.writeFileSync(process.argv[1]+"/f"+i,"")`,
      dir.path,
    );
    await t.log.until((e) => e.kind === "overflow", "overflow");
    await t.log.until((e) => e.kind === "rescanned", "rescanned", 30_000);
    const seen = new Set(t.log.events.filter((e) => e.kind === "create").map((e) => e.path));
    for (let i = 0; i < files; i++) if (!seen.has(dir.join(`f${i}`))) throw new Error(`f${i} was never reported`);
    expect(t.w.stats().overflows).toBeGreaterThanOrEqual(1);
    expect(t.log.events.find((e) => e.kind === "overflow")).toMatchObject({ names: ["IN_Q_OVERFLOW"], root: dir.path });
  });

  test("the watch limit below a root degrades, once reported, and the root keeps working", async () => {
    using dir = tempDir();
    for (const d of ["a", "b", "c", "d", "e"]) ops.mkdirp(dir.join(d, "x"));
    const real = N.libc();
    let watches = 0;
    let failed = false;
    const limited: N.Libc = {
      ...real,
      inotify_add_watch(fd, path, mask) {
        if (watches >= 3) {
          failed = true;
          return -1;
        }
        const wd = real.inotify_add_watch(fd, path, mask);
        if (wd >= 0) watches++;
        return wd;
      },
      errno: () => (failed ? N.ENOSPC : real.errno()),
    };
    await using t = watcher({ sys: limited });
    await t.w.add(dir.path);
    expect(t.w.stats().watches).toBe(3);
    expect(t.w.stats().degraded).toBe(5); // c, d, e and a/x, b/x; what lies below those is never listed
    expect(t.problems.length).toBe(1);
    expect(t.problems[0]).toMatchObject({ kind: "degraded", code: "ENOSPC" });
    expect(t.problems[0]!.message).toContain("fs.inotify.max_user_watches");
    expect(t.problems[0]!.message).toContain("sysctl");
    ops.write(dir.join("still-here"));
    await t.log.until((e) => e.path === dir.join("still-here") && e.kind === "write", "root still watched");
  });

  test("over the watch limit, what a new directory holds is still reported (it is listed, not followed)", async () => {
    using dir = tempDir();
    const real = N.libc();
    let watches = 0;
    let failed = false;
    const limited: N.Libc = {
      ...real,
      inotify_add_watch(fd, path, mask) {
        failed = watches >= 2; // the root and one more
        if (failed) return -1;
        const wd = real.inotify_add_watch(fd, path, mask);
        if (wd >= 0) watches++;
        return wd;
      },
      errno: () => (failed ? N.ENOSPC : real.errno()),
    };
    await using t = watcher({ sys: limited });
    await t.w.add(dir.path);
    ops.mkdirp(dir.join("new/a/b"));
    ops.write(dir.join("new/a/b/f"));
    ops.write(dir.join("new/g"));
    for (const p of ["new/a", "new/a/b", "new/a/b/f", "new/g"])
      await t.log.until((e) => e.path === dir.join(p) && e.kind === "create", p);
    expect(t.w.stats().degraded).toBe(1);
    expect(t.problems.map((p) => p.code)).toEqual(["ENOSPC"]);
  });

  test("the watch limit on the root itself is a WatchLimitError with the sysctl to raise it", async () => {
    using dir = tempDir();
    const real = N.libc();
    const none: N.Libc = { ...real, inotify_add_watch: () => -1, errno: () => N.ENOSPC };
    await using t = watcher({ sys: none });
    const err = await t.w.add(dir.path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WatchLimitError);
    expect((err as SeedError).exitCode).toBe(7);
    expect((err as SeedError).hint).toContain("sysctl fs.inotify.max_user_watches=");
  });

  test("a moved root is reported gone", async () => {
    using dir = tempDir();
    ops.mkdirp(dir.join("root"));
    await using t = watcher();
    await t.w.add(dir.join("root"));
    ops.rename(dir.join("root"), dir.join("elsewhere"));
    const ev = await t.log.until((e: FsEvent) => e.kind === "gone", "gone");
    expect(ev).toMatchObject({ path: dir.join("root"), names: ["IN_MOVE_SELF", "IN_ISDIR"] });
    expect(t.w.roots()).toEqual([]);
  });

  test.skipIf(process.getuid?.() !== 0)("an unmounted root is reported gone (needs root)", async () => {
    using dir = tempDir();
    const mnt = dir.join("mnt");
    ops.mkdirp(mnt);
    const mount = Bun.spawnSync(["mount", "-t", "tmpfs", "seedwatch-test", mnt]);
    if (mount.exitCode !== 0) return; // no mount permission in this sandbox: nothing to test
    try {
      await using t = watcher();
      await t.w.add(mnt);
      ops.mkdirp(`${mnt}/sub`);
      await t.log.until((e) => e.path === `${mnt}/sub`, "sub on tmpfs");
      expect(Bun.spawnSync(["umount", mnt]).exitCode).toBe(0);
      const ev = await t.log.until((e) => e.kind === "gone", "gone");
      expect(ev.names[0]).toBe("IN_UNMOUNT");
    } finally {
      Bun.spawnSync(["umount", mnt]);
    }
  });

  test("a writer opening a file while the watcher checks it does not kill the watcher (lease break)", () => {
    using dir = tempDir();
    // In a child: SIGIO, the lease-break signal by default, terminates the process.
    const script = `
      const N = await import(${JSON.stringify(`${import.meta.dir}/../../../native/index.ts`)});
      const { InotifyWatcher } = await import(${JSON.stringify(`${import.meta.dir}/../../../src/watch/inotify.ts`)});
      const fs = require("node:fs");
      const [dir, real] = [process.argv[1], N.libc()];
      let broke = false;
      const sys = { ...real, fcntl(fd, cmd, arg) {
        const r = real.fcntl(fd, cmd, arg);
        if (cmd === N.F_SETLEASE && arg === N.F_RDLCK && r === 0 && !broke) {
          broke = true; // a writer opens the file while we hold the read lease: the kernel breaks it
          Bun.spawn(["sh", "-c", 'exec 3>>"$0"', fs.readlinkSync("/proc/self/fd/" + fd)]);
          const t = performance.now();
          while (!fs.readFileSync("/proc/locks", "utf8").includes("BREAKING") && performance.now() - t < 5000);
        }
        return r;
      } };
      let written = false;
      const w = new InotifyWatcher({ sys, onEvent: (e) => {
        if (e.kind === "write" && e.path === dir + "/new/f") written = true;
      } });
      await w.add(dir);
      fs.mkdirSync(dir + "/new"); // found with f by the listing of new: f's write is checked
      fs.writeFileSync(dir + "/new/f", "x");
      for (const t = performance.now(); !written && performance.now() - t < 10000; ) await Bun.sleep(5);
      await w.close();
      process.exit(broke && written ? 0 : 3);`;
    const r = Bun.spawnSync([process.execPath, "-e", script, dir.path], { stderr: "pipe" });
    expect({ code: r.exitCode, signal: r.signalCode ?? undefined }).toEqual({ code: 0, signal: undefined });
  });

  test("close() ends the read loop, so the process can exit", async () => {
    using dir = tempDir();
    const script = `
      const { InotifyWatcher } = await import(${JSON.stringify(`${import.meta.dir}/../../../src/watch/inotify.ts`)});
      const w = new InotifyWatcher({ onEvent() {} });
      await w.add(${JSON.stringify(dir.path)});
      await w.close();`;
    // A read loop left running keeps the child alive: Bun kills it at the ceiling (a hang,
    // not a slow start on a loaded machine) and the exit is then a signal, not 0.
    const child = Bun.spawn([process.execPath, "-e", script], { stderr: "pipe", timeout: 30_000 });
    const code = await child.exited;
    expect({ code, signal: child.signalCode, stderr: await new Response(child.stderr).text() }).toEqual({
      code: 0,
      signal: null,
      stderr: "",
    });
  });
});
