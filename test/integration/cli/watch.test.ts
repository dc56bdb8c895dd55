// `seedwatch watch`, the compiled binary, spawned as a user would.

import { describe, expect, test } from "bun:test";
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { AS_NOBODY, binForAnyone, Running } from "../../helpers/bin.ts";
import { tempDir } from "../../helpers/tmp.ts";

const isRoot = process.getuid?.() === 0;

describe("seedwatch watch", () => {
  test("prints inotifywait-style lines, including files in a new mkdir -p tree", async () => {
    using dir = tempDir();
    await using w = new Running(["watch", "-r", dir.path]);
    await w.ready();
    mkdirSync(dir.join("a/b/c"), { recursive: true });
    writeFileSync(dir.join("a/b/c/f"), "");
    await w.waitLine((l) => l === `${dir.path}/a/b/c/ CLOSE_WRITE f`, "f written");
    expect(w.lines()).toContain(`${dir.path}/ CREATE,ISDIR a`);
    expect(w.lines()).toContain(`${dir.path}/a/b/c/ CREATE f`);
    expect(await w.stop("SIGTERM")).toBe(0);
  });

  test("a watch runs with Bun's idle GC timer off, in the same process, and children do not inherit it", async () => {
    using dir = tempDir();
    const script = dir.join("env.sh");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion in a script, not a template
    writeFileSync(script, '#!/bin/sh\necho "child=${BUN_GC_TIMER_DISABLE:-unset}"\n');
    chmodSync(script, 0o755);
    mkdirSync(dir.join("w"));
    await using w = new Running(["watch", "-e", "create", "--exec", script, dir.join("w")]);
    await w.ready();
    const environ = readFileSync(`/proc/${w.proc.pid}/environ`, "utf8").split("\0");
    expect(environ).toContain("BUN_GC_TIMER_DISABLE=1"); // re-exec'd: same pid, new environment
    writeFileSync(dir.join("w/x"), "");
    expect(await w.waitLine((l) => l.startsWith("child="), "child env")).toBe("child=unset");
  });

  test("--json gives path, IN_* events, dir, and from for a move", async () => {
    using dir = tempDir();
    writeFileSync(dir.join("old"), "x");
    await using w = new Running(["watch", "--json", "-e", "move,create", dir.path]);
    await w.ready();
    mkdirSync(dir.join("sub"));
    renameSync(dir.join("old"), dir.join("new"));
    const line = await w.waitLine((l) => l.includes("IN_MOVED_TO"), "moved_to");
    expect(JSON.parse(line)).toMatchObject({
      kind: "move",
      path: dir.join("new"),
      events: ["IN_MOVED_TO"],
      dir: false,
      from: dir.join("old"),
    });
    const sub = JSON.parse(w.lines().find((l) => l.includes('"IN_CREATE"'))!);
    expect(sub).toMatchObject({ path: dir.join("sub"), events: ["IN_CREATE", "IN_ISDIR"], dir: true });
    expect(typeof sub.time).toBe("string");
    expect(await w.stop("SIGINT")).toBe(0);
  });

  test("--format and --timefmt", async () => {
    using dir = tempDir();
    await using w = new Running([
      "watch",
      "-e",
      "close_write",
      "--format",
      "%w|%f|%e|%p|%k|%T",
      "--timefmt",
      "%s",
      dir.path,
    ]);
    await w.ready();
    const before = Math.floor(Date.now() / 1000);
    writeFileSync(dir.join("x y"), "1");
    const line = await w.waitLine((l) => l.includes("x y"), "x y");
    const [d, f, e, p, k, t] = line.split("|");
    expect([d, f, e, p, k]).toEqual([`${dir.path}/`, "x y", "CLOSE_WRITE", dir.join("x y"), "write"]);
    expect(Number(t)).toBeGreaterThanOrEqual(before);
  });

  test("a name that is not UTF-8 is printed byte for byte", async () => {
    using dir = tempDir();
    await using w = new Running(["watch", "-e", "create", "--format", "%f", dir.path]);
    await w.ready();
    const name = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0xff]); // "caf" + latin-1 é + 0xff
    writeFileSync(Buffer.concat([Buffer.from(`${dir.path}/`), name]), "");
    await w.waitLine((l) => l.startsWith("caf"), "latin-1 name");
    expect(Buffer.from(w.stdoutBytes).equals(Buffer.concat([name, Buffer.from("\n")]))).toBe(true);
  });

  test("--exec passes hostile names as one argument, never through a shell", async () => {
    using dir = tempDir();
    await using w = new Running(["watch", "-e", "close_write", "--exec", "printf '[%s]\\n' {name}", dir.path], {
      cwd: dir.path,
    });
    await w.ready();
    const names = ["$(touch INJECTED)", "a;touch INJ2", "{path}", 'it\'s "quoted"', "-n"];
    for (const n of names) writeFileSync(dir.join(n), "");
    for (const n of names) await w.waitLine((l) => l === `[${n}]`, `exec for ${n}`);
    expect(existsSync(dir.join("INJECTED"))).toBe(false);
    expect(existsSync(dir.join("INJ2"))).toBe(false);
  });

  test("--exec without placeholders appends the path; values are in the environment too", async () => {
    using dir = tempDir();
    const script = dir.join("hook.sh");
    writeFileSync(
      script,
      '#!/bin/sh\nprintf "%s|%s|%s|%s\\n" "$1" "$SEEDWATCH_PATH" "$SEEDWATCH_EVENTS" "$SEEDWATCH_KIND"\n',
    );
    chmodSync(script, 0o755);
    mkdirSync(dir.join("w"));
    await using w = new Running(["watch", "-e", "close_write", "--exec", script, dir.join("w")]);
    await w.ready();
    writeFileSync(dir.join("w/file"), "");
    const line = await w.waitLine((l) => l.includes("|"), "hook output");
    expect(line).toBe(`${dir.join("w/file")}|${dir.join("w/file")}|IN_CLOSE_WRITE|write`);
  });

  test("a failing --exec command is logged and the watch goes on", async () => {
    using dir = tempDir();
    await using w = new Running(["watch", "-e", "close_write", "--exec", "false", dir.path]);
    await w.ready();
    writeFileSync(dir.join("one"), "");
    await w.waitStderr(/false for ".*one": exit 1/, "failure logged");
    writeFileSync(dir.join("two"), "");
    await w.waitStderr(/false for ".*two": exit 1/, "still running");
  });

  test("exits 4 when the watched directory is deleted, after printing it", async () => {
    using dir = tempDir();
    mkdirSync(dir.join("root"));
    await using w = new Running(["watch", dir.join("root")]);
    await w.ready();
    rmSync(dir.join("root"), { recursive: true });
    expect(await w.stop()).toBe(4);
    expect(w.lines()).toContain(`${dir.join("root")}/ DELETE_SELF,ISDIR `);
    expect(w.stderr).toContain("nothing left to watch");
  });

  test("--exclude stops descent: excluded trees cost no watches", async () => {
    using dir = tempDir();
    for (let i = 0; i < 5; i++) mkdirSync(dir.join(`skip/${i}`), { recursive: true });
    mkdirSync(dir.join("keep"));
    await using w = new Running(["watch", "-r", "--exclude", "/skip$", dir.path]);
    expect(await w.ready()).toBe("watching 2 director"); // the root and keep/
    writeFileSync(dir.join("skip/0/x"), "");
    writeFileSync(dir.join("keep/x"), "");
    await w.waitLine((l) => l.includes("keep/ CLOSE_WRITE x"), "keep/x");
    expect(w.stdout).not.toContain("skip");
  });

  test("--poll reports changes without inotify", async () => {
    using dir = tempDir();
    await using w = new Running(["watch", "--poll", "50", "-r", dir.path]);
    await w.waitStderr(/polling every 50 ms/, "poll ready");
    mkdirSync(dir.join("nfs"));
    writeFileSync(dir.join("nfs/file"), "x");
    await w.waitLine((l) => l === `${dir.path}/nfs/ CLOSE_WRITE file`, "settled file");
    expect(w.lines()).toContain(`${dir.path}/nfs/ CREATE file`);
  });

  test.skipIf(!isRoot)("an unreadable sub-directory is logged and skipped (run as nobody)", async () => {
    using dir = tempDir();
    chmodSync(dir.path, 0o755);
    mkdirSync(dir.join("open"), { mode: 0o777 });
    mkdirSync(dir.join("private"), { mode: 0o700 });
    chownSync(dir.join("open"), 65534, 65534);
    await using w = new Running(["watch", "-r", dir.path], {
      prefix: AS_NOBODY,
      bin: binForAnyone(),
    });
    await w.waitStderr(/private.*(permission denied|EACCES)/i, "warning for private/");
    await w.ready();
    writeFileSync(dir.join("open/seen"), "");
    await w.waitLine((l) => l.endsWith("CLOSE_WRITE seen"), "open/ still watched");
    expect(await w.stop("SIGTERM")).toBe(0);
  });

  test("a real watch limit below the root degrades with the sysctl hint (user namespace)", async () => {
    using dir = tempDir();
    for (let i = 0; i < 10; i++) mkdirSync(dir.join(`d${i}`));
    const limit = [
      "unshare",
      "--user",
      "--map-root-user",
      "sh",
      "-c",
      'echo 4 > /proc/sys/user/max_inotify_watches && exec "$@"',
      "sh",
    ];
    if (Bun.spawnSync(limit.concat(["true"])).exitCode !== 0) return; // user namespaces disabled here
    await using w = new Running(["watch", "-r", dir.path], { prefix: limit });
    await w.waitStderr(/max_user_watches/, "limit warning");
    expect(await w.ready()).toBe("watching 4 director");
    expect(w.stderr).toMatch(/sudo sysctl fs\.inotify\.max_user_watches=\d+/);
    writeFileSync(dir.join("top"), "");
    await w.waitLine((l) => l.endsWith("CLOSE_WRITE top"), "root still watched");
  });
});
