// User hooks that go wrong, with the compiled binary: a hook stuck in a synchronous loop
// (the watchdog ends the process with status 12, and later runs skip that hook for that
// torrent), a hook that throws (one line; its stack at -v or as a JSON field), and a hooks
// file that does not parse (each error at file:line:col with its source line).

import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { BIN, Running } from "../../helpers/bin.ts";
import { queryIndex } from "../../helpers/index-db.ts";
import { makeTorrent, writeSession, type Built } from "../../helpers/rtorrent.ts";
import { tempDir, type TempDir } from "../../helpers/tmp.ts";
import { waitFor } from "../../helpers/wait.ts";

/** A session, a download root, an index and a hooks file in one temp dir. */
function setup(dir: TempDir) {
  const session = dir.join("session");
  const dl = dir.join("dl");
  mkdirSync(session);
  mkdirSync(dl);
  const db = dir.join("index.db");
  return {
    db,
    hooks: dir.join("hooks.ts"),
    torrent: (name: string) => makeTorrent({ name, files: [{ path: ["f"], length: 1 }] }),
    add: (t: Built) => writeSession(session, t, { directory: `${dl}/${t.hash}` }),
    names: () => queryIndex<{ name: string }>(db, "SELECT name FROM torrent_data ORDER BY name").map((r) => r.name),
    ran: () => (existsSync(dir.join("ran.log")) ? readFileSync(dir.join("ran.log"), "utf8").trim().split("\n") : []),
    /** A line for ran.log, from inside a hook. */
    out:
      "const out = (l: string) => " +
      `require("node:fs").appendFileSync(${JSON.stringify(dir.join("ran.log"))}, l + "\\n");`,
    args: (...extra: string[]) => ["rtorrent", "--db", db, "--no-log", ...extra, session, dl],
  };
}

/** Run the binary to the end; the timeout is a ceiling for a run that would hang, not a timing check. */
function run(args: string[]): { code: number; stderr: string; stdout: string } {
  const r = Bun.spawnSync([BIN, ...args], {
    stdout: "pipe",
    stderr: "pipe",
    timeout: 30_000,
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { code: r.exitCode ?? -1, stderr: r.stderr.toString(), stdout: r.stdout.toString() };
}

describe("a hook stuck in a synchronous loop", () => {
  test(
    "--once ends with status 12 and one line naming the hook and the torrent; " +
      "the next run indexes the rest and never runs it again",
    () => {
      using dir = tempDir("hooks");
      const s = setup(dir);
      const stuck = s.torrent("Stuck");
      const fine = s.torrent("Fine");
      writeFileSync(
        s.hooks,
        `${s.out}
export function post_add(db: unknown, file: string) {
  if (file.includes("${stuck.hash}")) while (true) {}
  out("post_add " + file.slice(-48, -8));
}
`,
      );
      s.add(stuck);
      s.add(fine);
      const first = run(s.args("--once", "--hooks", s.hooks, "--hook-timeout", "1"));
      expect(first.code).toBe(12);
      const said = first.stderr.split("\n").filter((l) => l.includes("blocked seedwatch"));
      expect(said).toEqual([
        `error watchdog: hook post_add for ${stuck.hash} "Stuck" blocked seedwatch ` +
          `for ${said[0]?.match(/for ([\d.]+ s) \(/)?.[1]} (limit 1 s): exiting with status 12; ` +
          `it will be skipped for ${stuck.hash} from now on ` +
          `(recorded in ${s.db}.hung: delete the line to run it again)`,
      ]);

      const second = run(s.args("--once", "--hooks", s.hooks, "--hook-timeout", "1"));
      expect(second.code).toBe(0);
      expect(s.names()).toEqual(["Fine", "Stuck"]);
      expect(s.ran()).toContain(`post_add ${fine.hash}`);
      expect(s.ran()).not.toContain(`post_add ${stuck.hash}`);
      // whether post_add comes up again for Stuck depends on whether its add was committed
      // before the kill; if it does, it is skipped, and said once
      expect(second.stderr.split("\n").filter((l) => l.includes("skipped")).length).toBeLessThanOrEqual(1);
    },
  );

  test(
    "--once: a pre_add that hangs comes up again on the next run " +
      "(the torrent is not indexed yet): skipped, said once, indexed",
    () => {
      using dir = tempDir("hooks");
      const s = setup(dir);
      const stuck = s.torrent("Stuck");
      writeFileSync(
        s.hooks,
        `${s.out}
export function pre_add(db: unknown, file: string) {
  if (file.includes("${stuck.hash}")) while (true) {}
}
export function post_add(db: unknown, file: string) {
  out("post_add " + file.slice(-48, -8));
}
`,
      );
      s.add(stuck);
      expect(run(s.args("--once", "--hooks", s.hooks, "--hook-timeout", "1")).code).toBe(12);
      expect(s.names()).toEqual([]);
      const second = run(s.args("--once", "--hooks", s.hooks, "--hook-timeout", "1"));
      expect(second.code).toBe(0);
      expect(second.stderr.split("\n").filter((l) => l.includes("skipped"))).toEqual([
        expect.stringMatching(
          new RegExp(
            `^warn  hooks: hook pre_add skipped for ${stuck.hash} "Stuck": it blocked seedwatch on \\S+ ` +
              `\\(recorded in ${s.db}\\.hung; delete that line, or the file, to run it again\\)$`,
          ),
        ),
      ]);
      expect(s.names()).toEqual(["Stuck"]);
      expect(s.ran()).toEqual([`post_add ${stuck.hash}`]); // the other hooks still run for it
    },
  );

  test("the daemon ends with status 12; restarted, it skips that hook for that torrent only and goes on", async () => {
    using dir = tempDir("hooks");
    const s = setup(dir);
    const stuck = s.torrent("Stuck");
    const next = s.torrent("Next");
    // pre_add runs before the torrent is indexed: without the skip, every restart would run into it again
    writeFileSync(
      s.hooks,
      `${s.out}
export function pre_add(db: unknown, file: string) {
  if (file.includes("${stuck.hash}")) while (true) {}
  out("pre_add " + file.slice(-48, -8));
}
`,
    );
    {
      await using w = new Running(s.args("--hooks", s.hooks, "--hook-timeout", "1"));
      await w.waitStderr(/watching /, "watching");
      s.add(stuck);
      await waitFor(() => w.proc.exitCode !== null, "the watchdog ends the daemon", 20_000);
      expect(await w.stop()).toBe(12);
      expect(w.stderr).toContain(`error watchdog: hook pre_add for ${stuck.hash} "Stuck" blocked seedwatch for `);
    }
    await using again = new Running(s.args("--hooks", s.hooks, "--hook-timeout", "1"));
    await again.waitStderr(/watching /, "watching after the restart");
    expect(again.stderr).toContain(`hook pre_add skipped for ${stuck.hash} "Stuck"`);
    s.add(next);
    await waitFor(() => s.ran().includes(`pre_add ${next.hash}`), "pre_add runs for another torrent");
    expect(await again.stop("SIGTERM")).toBe(0);
    expect(s.names()).toEqual(["Next", "Stuck"]);
  });
});

describe("a hook that throws", () => {
  /** One new torrent, and a hooks file whose post_add throws from a helper. */
  function thrower(dir: TempDir) {
    const s = setup(dir);
    const t = s.torrent("Thrower");
    writeFileSync(
      s.hooks,
      `function helper() { throw new Error("boom in helper"); }\nexport function post_add() { helper(); }\n`,
    );
    s.add(t);
    return { s, t };
  }

  test(
    "text: one warning line naming the hook, the torrent and where; " +
      "its stack only at -v, and only the hook's frames",
    () => {
      using dir = tempDir("hooks");
      const { s, t } = thrower(dir);
      const r = run(s.args("--once", "--hooks", s.hooks));
      expect(r.code).toBe(9);
      const line = `warn  rtorrent: hook post_add failed for ${t.hash} "Thrower": boom in helper (${s.hooks}:1:31)`;
      expect(r.stderr.split("\n").filter((l) => l.includes("boom") || l.includes(" at "))).toEqual([line]);
      // new again: post_add runs again
      for (const f of [s.db, `${s.db}-wal`, `${s.db}-shm`]) rmSync(f, { force: true });
      const verbose = run(s.args("--once", "-v", "--hooks", s.hooks));
      const at = verbose.stderr.split("\n").indexOf(line);
      expect(verbose.stderr.split("\n").slice(at, at + 3)).toEqual([
        line,
        `      at helper (${s.hooks}:1:31)`,
        `      at post_add (${s.hooks}:2:30)`,
      ]);
      expect(verbose.stderr).not.toContain("$bunfs");
    },
  );

  test("json: one record, with the stack as one field", () => {
    using dir = tempDir("hooks");
    const { s, t } = thrower(dir);
    const r = run(s.args("--once", "--log-format", "json", "--hooks", s.hooks));
    expect(r.code).toBe(9);
    const records = r.stderr
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(records.filter((o) => /boom/.test(JSON.stringify(o)))).toEqual([
      {
        time: expect.any(String),
        level: "warn",
        tag: "rtorrent",
        msg: `hook post_add failed for ${t.hash} "Thrower": boom in helper (${s.hooks}:1:31)`,
        stack: `at helper (${s.hooks}:1:31)\nat post_add (${s.hooks}:2:30)`,
      },
    ]);
  });
});

test("a hooks file with syntax errors: each at file:line:col with its source line and a caret; no ?v=, no bun", () => {
  using dir = tempDir("hooks");
  const s = setup(dir);
  writeFileSync(s.hooks, `export function post_add( {\n  return 1;\n}\n`);
  const r = run(s.args("--once", "--hooks", s.hooks));
  expect(r.code).toBe(9);
  expect(r.stderr).toStartWith(
    `seedwatch: ${s.hooks}:2:10: Expected "}" but found "1"\n    return 1;\n           ^\n${s.hooks}:2:11: `,
  );
  expect(r.stderr).toEndWith(
    `hook file ${s.hooks} failed to load (3 errors)\nhint: fix the file, then start seedwatch again\n`,
  );
  expect(r.stderr).not.toContain("?v=");
  expect(r.stderr).not.toMatch(/\bbun\b/);
});
