// Mirror through the compiled binary and real inotify, checked the way users check a
// mirror: `rsync -a -n -i --delete SRC/ DST/` reports nothing. Start-up compares instead
// of copying everything; live changes arrive as their writers close; renames are renames;
// the source going away never empties the replica; excludes and --check's refusals.

import { describe, expect, test } from "bun:test";
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { AS_NOBODY, binForAnyone, Running, runBin } from "../../helpers/bin.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { fastTempDir } from "../watch/fast-tmp.ts";
import { waitFor } from "../../helpers/wait.ts";
import { converged, differences, HAS_RSYNC, mirrorConfig, NO_RSYNC, ROOT, startMirror } from "./mirror-rig.ts";

if (!HAS_RSYNC) console.warn(`skipped: ${NO_RSYNC}`);

describe.skipIf(!HAS_RSYNC)("Mirror", () => {
  test("start-up compares: only what differs is copied, extras removed (on two threads: a tree past 2,000 entries)", async () => {
    using dir = tempDir("mirror");
    const [src, dst] = [dir.join("src"), dir.join("dst")];
    for (let d = 0; d < 40; d++) {
      mkdirSync(`${src}/d${d}`, { recursive: true });
      for (let f = 0; f < 60; f++) writeFileSync(`${src}/d${d}/f${f}`, `${d}/${f}`);
    }
    expect(Bun.spawnSync(["rsync", "-a", `${src}/`, `${dst}/`]).exitCode).toBe(0);
    writeFileSync(`${src}/d0/f0`, "changed, and longer"); // differs by size
    utimesSync(`${src}/d0/f1`, 1_000_000, 1_000_000); // by time only
    writeFileSync(`${dst}/extra`, "not in the source");
    const same = lstatSync(`${dst}/d5/f5`).ino;
    const cfg = mirrorConfig(dir.join("config.ts"), src, `{ destination: "./dst" }`);
    await using w = await startMirror(cfg);
    expect(w.stderr).toMatch(/compared in [\d.]+ s: 2 copied \(\d+ bytes\), 1 removed/);
    expect(lstatSync(`${dst}/d5/f5`).ino).toBe(same); // an identical file is left alone
    await converged(src, dst);
    expect(await w.stop("SIGTERM")).toBe(0);
    expect(w.stderr).not.toMatch(/second thread/); // the helper's worker loads inside the binary
  });

  test("changes made while the first comparison runs are mirrored too (the watch is placed first)", async () => {
    using dir = fastTempDir("mirror");
    const [src, dst] = [dir.join("src"), dir.join("dst")];
    for (let d = 0; d < 40; d++) {
      mkdirSync(`${src}/d${d}`, { recursive: true });
      for (let f = 0; f < 250; f++) writeFileSync(`${src}/d${d}/f${f}`, "x".repeat(1000));
    }
    const cfg = mirrorConfig(dir.join("config.ts"), src, `{ destination: "./dst" }`);
    await using w = new Running(["run", cfg]);
    await w.waitStderr(/mirror: .* comparing/, "comparing");
    writeFileSync(`${src}/d0/f0`, "changed during the comparison");
    renameSync(`${src}/d39`, `${src}/renamed`);
    rmSync(`${src}/d38`, { recursive: true });
    mkdirSync(`${src}/new/deep`, { recursive: true });
    writeFileSync(`${src}/new/deep/file`, "new");
    expect(w.stderr).not.toContain("compared in"); // all of it happened during the comparison
    await converged(src, dst);
    expect(await w.stop("SIGTERM")).toBe(0);
  });

  test(
    "live: mkdir -p then a copy, modes, times, symlinks as symlinks, " +
      "renames without copying, moves in and out, deletes",
    async () => {
      using dir = tempDir("mirror");
      const [src, dst, out] = [dir.join("src"), dir.join("dst"), dir.join("outside")];
      mkdirSync(src);
      mkdirSync(`${out}/tree/sub`, { recursive: true });
      writeFileSync(`${out}/tree/sub/x`, "from outside");
      writeFileSync(`${out}/single`, "one");
      writeFileSync(dir.join("f"), "payload");
      const cfg = mirrorConfig(dir.join("config.ts"), src, `{ destination: "./dst" }`);
      await using w = await startMirror(cfg);
      // iObserver's own bug: nested folders made at once never reached its mirror.
      expect(
        Bun.spawnSync(["sh", "-c", `mkdir -p '${src}/a/b/c' && cp '${dir.join("f")}' '${src}/a/b/c/'`]).exitCode,
      ).toBe(0);
      await converged(src, dst, "mkdir -p && cp");
      chmodSync(`${src}/a/b/c/f`, 0o640);
      chmodSync(`${src}/a/b`, 0o750);
      utimesSync(`${src}/a/b/c/f`, 1_500_000_000, 1_500_000_000);
      symlinkSync("../../outside", `${src}/a/link`); // never followed
      symlinkSync("b/c/f", `${src}/a/rel`);
      await converged(src, dst, "modes, times, symlinks");
      expect(readlinkSync(`${dst}/a/link`)).toBe("../../outside");
      const ino = lstatSync(`${dst}/a/b/c/f`).ino;
      renameSync(`${src}/a/b/c/f`, `${src}/a/b/c/g`); // a file renamed
      renameSync(`${src}/a/b`, `${src}/a/B`); // then its folders
      renameSync(`${src}/a`, `${src}/A`);
      await converged(src, dst, "renames");
      expect(lstatSync(`${dst}/A/B/c/g`).ino).toBe(ino); // renamed in place: no data copied
      renameSync(`${out}/tree`, `${src}/tree`); // moved in
      renameSync(`${out}/single`, `${src}/single`);
      await converged(src, dst, "moved in");
      renameSync(`${src}/A/B`, `${out}/B`); // moved out
      rmSync(`${src}/tree/sub/x`);
      await converged(src, dst, "moved out and deleted");
      expect(existsSync(`${dst}/A/B`)).toBe(false);
      expect(await w.stop("SIGTERM")).toBe(0);
    },
  );

  test("a reader of the mirror never sees half a file: a file is copied when its writer closes it", async () => {
    using dir = tempDir("mirror");
    const [src, dst] = [dir.join("src"), dir.join("dst")];
    mkdirSync(src);
    const half = "a".repeat(1 << 20);
    // Found mid-write at start: open for writing before the daemon starts.
    const early = openSync(`${src}/early`, "w");
    writeSync(early, half);
    const cfg = mirrorConfig(dir.join("config.ts"), src, `{ destination: "./dst" }`);
    await using w = await startMirror(cfg);
    const late = openSync(`${src}/late`, "w");
    writeSync(late, half);
    writeFileSync(`${src}/barrier`, ""); // once it is mirrored, every event before it was handled
    await waitFor(() => existsSync(`${dst}/barrier`), "barrier");
    expect(existsSync(`${dst}/early`)).toBe(false);
    expect(existsSync(`${dst}/late`)).toBe(false);
    writeSync(early, half);
    writeSync(late, half);
    closeSync(early);
    closeSync(late);
    await converged(src, dst);
    expect(readFileSync(`${dst}/early`, "utf8").length).toBe(2 << 20);
    expect(await w.stop("SIGTERM")).toBe(0);
  });

  test("excludes: left out of the mirror, and what the destination has there is kept", async () => {
    using dir = tempDir("mirror");
    const [src, dst] = [dir.join("src"), dir.join("dst")];
    mkdirSync(`${src}/cache`, { recursive: true });
    mkdirSync(`${dst}/cache`, { recursive: true });
    writeFileSync(`${dst}/cache/kept`, "");
    const cfg = mirrorConfig(dir.join("config.ts"), src, `{ destination: "./dst", exclude: ["*.part", "/cache/"] }`);
    await using w = await startMirror(cfg);
    writeFileSync(`${src}/movie.part`, "");
    writeFileSync(`${src}/cache/x`, "");
    writeFileSync(`${src}/movie`, "");
    await waitFor(() => existsSync(`${dst}/movie`), "movie");
    renameSync(`${src}/movie`, `${src}/movie2.part`); // renamed into an excluded name: gone from the mirror
    await waitFor(() => !existsSync(`${dst}/movie`), "renamed away");
    expect(differences(src, dst, ["--exclude=*.part", "--exclude=/cache/"])).toBe("");
    expect(existsSync(`${dst}/movie.part`) || existsSync(`${dst}/cache/x`)).toBe(false);
    expect(existsSync(`${dst}/cache/kept`)).toBe(true);
    expect(await w.stop("SIGTERM")).toBe(0);
  });

  test("--check refuses a destination inside the source, and a source inside the destination", () => {
    using dir = tempDir("mirror");
    mkdirSync(dir.join("src/sub"), { recursive: true });
    for (const [dest, words] of [
      ["./src/backup", "lies inside the watched folder"],
      [dir.path, "holds the watched folder"],
      ["./src", "is the watched folder"],
    ] as const) {
      const cfg = mirrorConfig(dir.join("config.ts"), dir.join("src"), `{ destination: ${JSON.stringify(dest)} }`);
      const r = runBin(["run", "--check", cfg]);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(
        `watches[0].plugins[0].destination: ${words} ${dir.join("src")}: the mirror would copy itself`,
      );
    }
    const flat = dir.join("flat.ts");
    Bun.write(flat, "");
    writeFileSync(
      flat,
      `import { Pyinotifyd, Watch, Mirror } from "seedwatch";
export default new Pyinotifyd({ watches: [new Watch({ path: "${dir.join("src")}",
  plugins: [new Mirror({ destination: "/x" })] })] });`,
    );
    expect(runBin(["run", "--check", flat]).stderr).toContain("watches[0].plugins[0]: needs a recursive watch");
  });

  for (const how of ["deleted", "moved away"] as const)
    test(`the source root ${how}: the mirror is not emptied, and says it stops`, async () => {
      using dir = tempDir("mirror");
      const [src, dst] = [dir.join("src"), dir.join("dst")];
      for (let d = 0; d < 10; d++) {
        mkdirSync(`${src}/d${d}`, { recursive: true });
        for (let f = 0; f < 30; f++) writeFileSync(`${src}/d${d}/f${f}`, "x");
      }
      const cfg = mirrorConfig(dir.join("config.ts"), src, `{ destination: "./dst" }`);
      await using w = await startMirror(cfg);
      await converged(src, dst);
      if (how === "deleted") rmSync(src, { recursive: true });
      else renameSync(src, dir.join("elsewhere"));
      await w.waitStderr(
        new RegExp(`mirror: ${src} is gone \\(${how}\\): mirroring it stops, and ${dst} is left as it is`),
        "stops",
      );
      const left = Bun.spawnSync(["find", dst, "-type", "f"]).stdout.toString().trim().split("\n");
      expect(left.length).toBe(300);
      expect(await w.stop("SIGTERM")).toBe(0);
    });
});

describe.skipIf(!HAS_RSYNC)("Mirror: faults and other sources", () => {
  test("after an overflow the root is compared again, and converges", async () => {
    using dir = fastTempDir("mirror");
    const [src, dst] = [dir.join("src"), dir.join("dst")];
    mkdirSync(src);
    await using w = await startMirror(mirrorConfig(dir.join("config.ts"), src, `{ destination: "./dst" }`));
    const queue = Number(readFileSync("/proc/sys/fs/inotify/max_queued_events", "utf8"));
    process.kill(w.proc.pid, "SIGSTOP");
    // IN_CREATE + IN_CLOSE_WRITE each
    for (let i = 0; i < queue / 2 + 500; i++) writeFileSync(`${src}/f${i}`, String(i));
    process.kill(w.proc.pid, "SIGCONT");
    await w.waitStderr(/events were lost; the mirror is compared again after the rescan/, "overflow");
    // The second comparison (after the rescan) may converge the tree before it logs its
    // line: wait for the line itself, then for convergence.
    await w.waitStderr(/compared in[\s\S]*compared in/, "the comparison after the overflow", 60_000);
    await converged(src, dst, "converged", 60_000);
    expect(await w.stop("SIGTERM")).toBe(0);
  }, 90_000);

  test("a polled watch (NFS, FUSE sources) feeds the mirror the same way", async () => {
    using dir = tempDir("mirror");
    const [src, dst] = [dir.join("src"), dir.join("dst")];
    mkdirSync(src);
    await using w = await startMirror(
      mirrorConfig(dir.join("config.ts"), src, `{ destination: "./dst" }`, "poll: 20,"),
    );
    mkdirSync(`${src}/a/b`, { recursive: true });
    writeFileSync(`${src}/a/b/f`, "polled");
    await converged(src, dst, "created");
    renameSync(`${src}/a`, `${src}/c`);
    rmSync(`${src}/c/b/f`);
    await converged(src, dst, "renamed and deleted");
    expect(await w.stop("SIGTERM")).toBe(0);
  });

  test.skipIf(!ROOT)(
    "a destination that fills up is logged per file and retried; it converges once there is room",
    async () => {
      using dir = tempDir("mirror");
      const [src, dst] = [dir.join("src"), dir.join("dst")];
      mkdirSync(src);
      mkdirSync(dst);
      expect(Bun.spawnSync(["mount", "-t", "tmpfs", "-o", "size=256k", "seedwatch-full", dst]).exitCode).toBe(0);
      try {
        await using w = await startMirror(mirrorConfig(dir.join("config.ts"), src, `{ destination: "./dst" }`));
        writeFileSync(`${src}/big`, "x".repeat(1 << 20));
        writeFileSync(`${src}/small`, "fits");
        await w.waitStderr(/cannot copy big in .*: ENOSPC; tried again, with backoff/, "ENOSPC");
        await waitFor(() => existsSync(`${dst}/small`), "what fits is mirrored meanwhile");
        expect(Bun.spawnSync(["mount", "-o", "remount,size=4m", dst]).exitCode).toBe(0);
        await converged(src, dst);
        await w.waitStderr(/big: mirrored after \d+ tries/, "recovered");
        expect(await w.stop("SIGTERM")).toBe(0);
      } finally {
        Bun.spawnSync(["umount", dst]);
      }
    },
  );

  test.skipIf(!ROOT)("a destination that refuses (EACCES, running as nobody) is logged and retried", async () => {
    using dir = tempDir("mirror");
    chmodSync(dir.path, 0o755);
    const [src, dst] = [dir.join("src"), dir.join("dst")];
    mkdirSync(`${src}/locked`, { recursive: true });
    mkdirSync(`${dst}/locked`, { recursive: true });
    for (const p of [src, `${src}/locked`, dst]) chownSync(p, 65534, 65534);
    chmodSync(`${dst}/locked`, 0o555); // root's, not writable by nobody
    const cfg = mirrorConfig(dir.join("config.ts"), src, `{ destination: "./dst" }`);
    const w = new Running(["run", cfg], { prefix: AS_NOBODY, bin: binForAnyone() });
    await using _w = w;
    await w.waitStderr(/compared in/, "compared");
    writeFileSync(`${src}/locked/f`, "x");
    chownSync(`${src}/locked/f`, 65534, 65534);
    await w.waitStderr(/cannot copy locked\/f in .*: EACCES; tried again/, "EACCES");
    chownSync(`${dst}/locked`, 65534, 65534);
    chmodSync(`${dst}/locked`, 0o755);
    await waitFor(() => existsSync(`${dst}/locked/f`), "retried");
    expect(await w.stop("SIGTERM")).toBe(0);
  });
});
