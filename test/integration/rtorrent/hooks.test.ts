// User hooks that go wrong, with the compiled binary: a hook that throws (one line; its
// stack at -v or as a JSON field), and a hooks file that does not parse (each error at
// file:line:col with its source line).

import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { BIN } from "../../helpers/bin.ts";
import { makeTorrent, writeSession, type Built } from "../../helpers/rtorrent.ts";
import { tempDir, type TempDir } from "../../helpers/tmp.ts";

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
    names: () => {
      const d = new Database(db);
      const rows = d.query<{ name: string }, []>("SELECT name FROM torrent_data ORDER BY name").all();
      d.close();
      return rows.map((r) => r.name);
    },
    ran: () => (existsSync(dir.join("ran.log")) ? readFileSync(dir.join("ran.log"), "utf8").trim().split("\n") : []),
    /** A line for ran.log, from inside a hook. */
    out: `const out = (l: string) => require("node:fs").appendFileSync(${JSON.stringify(dir.join("ran.log"))}, l + "\\n");`,
    args: (...extra: string[]) => ["rtorrent", "--db", db, "--no-log", ...extra, session, dl],
  };
}

/** Run the binary to the end; the timeout is a ceiling for a run that would hang, not a timing check. */
function run(args: string[]): { code: number; stderr: string; stdout: string } {
  const r = Bun.spawnSync([BIN, ...args], { stdout: "pipe", stderr: "pipe", timeout: 30_000, env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.exitCode ?? -1, stderr: r.stderr.toString(), stdout: r.stdout.toString() };
}

describe("a hook that throws", () => {
  const THROWS = `function helper() { throw new Error("boom in helper"); }\nexport function post_add() { helper(); }\n`;

  test("text: one warning line naming the hook, the torrent and where; its stack only at -v, and only the hook's frames", () => {
    using dir = tempDir("hooks");
    const s = setup(dir);
    const t = s.torrent("Thrower");
    writeFileSync(s.hooks, THROWS);
    s.add(t);
    const r = run(s.args("--once", "--hooks", s.hooks));
    expect(r.code).toBe(9);
    const line = `warn  rtorrent: hook post_add failed for ${t.hash} "Thrower": boom in helper (${s.hooks}:1:31)`;
    expect(r.stderr.split("\n").filter((l) => l.includes("boom") || l.includes(" at "))).toEqual([line]);
    for (const f of [s.db, `${s.db}-wal`, `${s.db}-shm`]) rmSync(f, { force: true }); // new again: post_add runs again
    const verbose = run(s.args("--once", "-v", "--hooks", s.hooks));
    const at = verbose.stderr.split("\n").indexOf(line);
    expect(verbose.stderr.split("\n").slice(at, at + 3)).toEqual([line, `      at helper (${s.hooks}:1:31)`, `      at post_add (${s.hooks}:2:30)`]);
    expect(verbose.stderr).not.toContain("$bunfs");
  });

  test("json: one record, with the stack as one field", () => {
    using dir = tempDir("hooks");
    const s = setup(dir);
    const t = s.torrent("Thrower");
    writeFileSync(s.hooks, THROWS);
    s.add(t);
    const r = run(s.args("--once", "--log-format", "json", "--hooks", s.hooks));
    expect(r.code).toBe(9);
    const records = r.stderr.trim().split("\n").map((l) => JSON.parse(l));
    expect(records.filter((o) => /boom/.test(JSON.stringify(o)))).toEqual([
      { time: expect.any(String), level: "warn", tag: "rtorrent", msg: `hook post_add failed for ${t.hash} "Thrower": boom in helper (${s.hooks}:1:31)`, stack: `at helper (${s.hooks}:1:31)\nat post_add (${s.hooks}:2:30)` },
    ]);
  });
});

test("a hooks file with syntax errors: each at file:line:col with its source line and a caret; no ?v=, no bun", () => {
  using dir = tempDir("hooks");
  const s = setup(dir);
  writeFileSync(s.hooks, `export function post_add( {\n  return 1;\n}\n`);
  const r = run(s.args("--once", "--hooks", s.hooks));
  expect(r.code).toBe(9);
  expect(r.stderr).toStartWith(`seedwatch: ${s.hooks}:2:10: Expected "}" but found "1"\n    return 1;\n           ^\n${s.hooks}:2:11: `);
  expect(r.stderr).toEndWith(`hook file ${s.hooks} failed to load (3 errors)\nhint: fix the file, then start seedwatch again\n`);
  expect(r.stderr).not.toContain("?v=");
  expect(r.stderr).not.toMatch(/\bbun\b/);
});
