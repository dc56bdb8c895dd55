// The binary's front door: version, help, doctor, and one clear line (plus a hint and a
// distinct exit code) for every kind of bad input.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { AS_NOBODY, binForAnyone, runBin } from "../../helpers/bin.ts";
import { tempDir } from "../../helpers/tmp.ts";

describe("seedwatch basics", () => {
  test("--version names the version, the git revision and Bun", () => {
    const r = runBin(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^seedwatch \d+\.\d+\.\d+ \((?!dev)[0-9a-f]{7,}(-dirty)?, bun \d+\.\d+\.\d+\)\n$/);
  });

  test("--help lists the commands and the exit codes", () => {
    const r = runBin(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("watch");
    expect(r.stdout).toContain("doctor");
    expect(r.stdout).toContain("Exit codes");
  });

  test("--help lists every exit code the program can return, with what it means", async () => {
    const { EXIT } = await import("../../../src/errors.ts");
    const codes = runBin(["--help"]).stdout.split("Exit codes:")[1]!.replace(/\s+/g, " ");
    for (const [name, code] of Object.entries(EXIT))
      expect([name, codes]).toEqual([name, expect.stringMatching(new RegExp(`(^| )${code} [a-zA-Z]`))]);
    expect(codes).toContain("10 an HTTP peer failed");
    expect(codes).toContain("12 user code blocked past its timeout");
  });

  test("watch --help documents every option and gives examples", () => {
    const r = runBin(["watch", "--help"]);
    expect(r.code).toBe(0);
    for (const opt of ["--recursive", "--events", "--exclude", "--include", "--format", "--json", "--exec", "--poll"])
      expect(r.stdout).toContain(opt);
    expect(r.stdout).toContain("EXAMPLES");
    expect(r.stdout).not.toContain("\x1b["); // no colour into a pipe
  });

  test("doctor checks inotify and its limits, with fixes", () => {
    const r = runBin(["doctor"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ok\s+inotify: /m);
    for (const l of ["max_user_watches", "max_user_instances", "max_queued_events"])
      expect(r.stdout).toContain(`fs.inotify.${l}`);
    const json = JSON.parse(runBin(["doctor", "--json"]).stdout) as { check: string; status: string }[];
    expect(json.find((f) => f.check === "inotify")?.status).toBe("ok");
  });

  test("a .env or bunfig.toml in the working directory changes nothing", () => {
    using dir = tempDir();
    writeFileSync(
      dir.join("evil.ts"),
      `require("node:fs").writeFileSync(${JSON.stringify(dir.join("PRELOADED"))}, "")`,
    );
    writeFileSync(dir.join("bunfig.toml"), 'preload = ["./evil.ts"]\n');
    writeFileSync(dir.join(".env"), "SEEDWATCH_FROM_DOTENV=yes\n");
    // a config that fails if the .env reached the process
    writeFileSync(
      dir.join("config.ts"),
      `import { env, Pyinotifyd } from "seedwatch";
if (env.SEEDWATCH_FROM_DOTENV) throw new Error(".env was loaded");
export default new Pyinotifyd();`,
    );
    const r = runBin(["run", "--check", "config.ts"], { cwd: dir.path });
    expect(r.stderr).not.toContain(".env was loaded");
    expect(r.code).toBe(0);
    expect(existsSync(dir.join("PRELOADED"))).toBe(false);
  });

  test("a hook file next to node_modules resolves its packages (package.json exports)", () => {
    using dir = tempDir();
    // a package whose exports point away from index.js, as the compiled binary once missed
    writeFileSync(
      dir.join("hooks.ts"),
      `import { shout } from "loud";\nexport function post_add() { console.log(shout("added")); }\n`,
    );
    const pkg = dir.join("node_modules/loud");
    require("node:fs").mkdirSync(`${pkg}/lib`, { recursive: true });
    writeFileSync(
      `${pkg}/package.json`,
      JSON.stringify({ name: "loud", type: "module", exports: { ".": "./lib/main.js" } }),
    );
    writeFileSync(`${pkg}/lib/main.js`, "export const shout = (s) => s.toUpperCase() + '!';\n");
    writeFileSync(`${pkg}/index.js`, "export const shout = () => 'WRONG ENTRY';\n");
    const { makeTorrent, writeSession } = require("../../helpers/rtorrent.ts");
    writeSession(dir.join("session"), makeTorrent({ name: "x", length: 1 }), { directory: dir.join("dl") });
    const r = runBin([
      "rtorrent",
      "--once",
      "--no-log",
      "--db",
      dir.join("i.db"),
      "--hooks",
      dir.join("hooks.ts"),
      dir.join("session"),
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("ADDED!\n");
  });

  describe("bad input: one line, a hint, its own exit code", () => {
    const dir = tempDir();
    beforeAll(() => writeFileSync(dir.join("file"), ""));
    afterAll(() => dir[Symbol.dispose]());
    const cases: [string, string[], number, RegExp][] = [
      ["unknown option", ["watch", "--frob", dir.path], 2, /unknown option --frob/],
      ["misspelled option", ["watch", "--exlude", "x", dir.path], 2, /did you mean --exclude/],
      ["no path", ["watch"], 2, /missing PATH/],
      ["unknown command", ["wacth"], 2, /unknown command "wacth"/],
      ["invalid regex", ["watch", "--exclude", "(", dir.path], 3, /--exclude: invalid regular expression/],
      ["unknown event", ["watch", "-e", "IN_WRITE_CLOSE", dir.path], 3, /did you mean IN_CLOSE_WRITE/],
      ["bad --poll", ["watch", "--poll", "fast", dir.path], 3, /--poll: must be a whole number/],
      ["--exec not found", ["watch", "--exec", "no-such-cmd-xyz", dir.path], 3, /command not found: no-such-cmd-xyz/],
      ["--jobs without --exec", ["watch", "--jobs", "abc", dir.path], 2, /--jobs only applies with --exec/],
      ["--timeout without --exec", ["watch", "--timeout", "5", dir.path], 2, /--timeout only applies with --exec/],
      [
        "bad --jobs with --exec",
        ["watch", "--exec", "true", "--jobs", "abc", dir.path],
        3,
        /--jobs: must be a whole number above 0, not "abc"/,
      ],
      [
        "--format with --exec",
        ["watch", "--exec", "true", "--format", "%f", dir.path],
        2,
        /--format has no effect with --exec/,
      ],
      ["--timefmt without %T", ["watch", "--timefmt", "%s", dir.path], 2, /--timefmt only applies to %T in --format/],
      ["path missing", ["watch", dir.join("nope")], 4, /no such file or directory/],
      ["a file, not a directory", ["watch", dir.join("file")], 5, /not a directory/],
    ];
    for (const [label, args, code, message] of cases) {
      test(label, () => {
        const r = runBin(args);
        expect({ code: r.code, stdout: r.stdout }).toEqual({ code, stdout: "" });
        const lines = r.stderr.trimEnd().split("\n");
        expect(lines.length).toBe(2);
        expect(lines[0]).toMatch(/^seedwatch: /);
        expect(r.stderr).toMatch(message);
        expect(lines[1]).toMatch(/^hint: \S/);
      });
    }
  });

  test.skipIf(process.getuid?.() !== 0)("permission denied on the root: exit 6 (run as nobody)", () => {
    using dir = tempDir();
    mkdirSync(dir.join("private"), { mode: 0o700 });
    chmodSync(dir.path, 0o755);
    const r = runBin(["watch", dir.join("private")], {
      prefix: AS_NOBODY,
      bin: binForAnyone(),
    });
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/^seedwatch: watch ".*private": permission denied \(EACCES\)\nhint: /);
  });

  test("the inotify instance limit: exit 7 naming max_user_instances", () => {
    const limit = [
      "unshare",
      "--user",
      "--map-root-user",
      "sh",
      "-c",
      'echo 0 > /proc/sys/user/max_inotify_instances && exec "$@"',
      "sh",
    ];
    if (Bun.spawnSync(limit.concat(["true"])).exitCode !== 0) return; // user namespaces disabled here
    using dir = tempDir();
    const r = runBin(["watch", dir.path], { prefix: limit });
    expect(r.code).toBe(7);
    expect(r.stderr).toContain("fs.inotify.max_user_instances");
    expect(r.stderr).toMatch(/hint: raise it: sudo sysctl fs\.inotify\.max_user_instances=\d+/);
  });

  test("the watch limit on the root: exit 7 naming max_user_watches", () => {
    const limit = [
      "unshare",
      "--user",
      "--map-root-user",
      "sh",
      "-c",
      'echo 0 > /proc/sys/user/max_inotify_watches && exec "$@"',
      "sh",
    ];
    if (Bun.spawnSync(limit.concat(["true"])).exitCode !== 0) return;
    using dir = tempDir();
    const r = runBin(["watch", dir.path], { prefix: limit });
    expect(r.code).toBe(7);
    expect(r.stderr).toContain("fs.inotify.max_user_watches");
  });
});
