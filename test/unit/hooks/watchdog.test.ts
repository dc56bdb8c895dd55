// The hook watchdog from source, in a child `bun` process (it ends the process it watches):
// a call stuck in its synchronous part, a block after an await with several calls pending,
// the hang file and the skip, the line in JSON, and a finished run that exits on its own.

import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { tempDir, type TempDir } from "../../helpers/tmp.ts";

const SRC = resolve(import.meta.dir, "../../../src");

/** Run `body` (with callHook, watched, setHangFile, setFormat in scope) in a child bun. */
function child(dir: TempDir, body: string): { code: number; stderr: string; stdout: string } {
  const script = dir.join(`child-${Math.random().toString(36).slice(2)}.ts`);
  writeFileSync(
    script,
    `import { callHook, watched } from ${JSON.stringify(`${SRC}/hooks/call.ts`)};
import { setHangFile } from ${JSON.stringify(`${SRC}/hooks/hung.ts`)};
import { setFormat } from ${JSON.stringify(`${SRC}/log.ts`)};
void callHook, watched, setHangFile, setFormat;
${body}`,
  );
  // the ceiling for a watchdog that never fires; passing runs take a few seconds
  const r = Bun.spawnSync([process.execPath, script], {
    stdout: "pipe",
    stderr: "pipe",
    timeout: 40_000,
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { code: r.exitCode ?? -1, stderr: r.stderr.toString(), stdout: r.stdout.toString() };
}

const hangs = (dir: TempDir) =>
  existsSync(dir.join("hung"))
    ? readFileSync(dir.join("hung"), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l))
    : [];

describe("the hook watchdog", () => {
  test("a call stuck in its synchronous part: one line naming it, the hang recorded, exit status 12", () => {
    using dir = tempDir("watchdog");
    const r = child(
      dir,
      `setHangFile(${JSON.stringify(dir.join("hung"))});
console.log("before");
await callHook({ hook: "hook post_add", subject: 'ABC "Name"', key: "ABC" }, () => { while (true) {} }, [], 1000);
console.log("not reached");`,
    );
    expect(r.code).toBe(12);
    expect(r.stdout).toBe("before\n");
    expect(r.stderr).toMatch(
      new RegExp(
        String.raw`^error watchdog: hook post_add for ABC "Name" blocked seedwatch for [1-9][\d.]* s \(limit 1 s\): ` +
          "exiting with status 12; it will be skipped for ABC from now on " +
          String.raw`\(recorded in .*hung: delete the line to run it again\)\n$`,
      ),
    );
    expect(hangs(dir)).toEqual([
      expect.objectContaining({
        hook: "hook post_add",
        key: "ABC",
        subject: 'ABC "Name"',
        limitMs: 1000,
        certain: true,
      }),
    ]);

    const again = child(
      dir,
      `setHangFile(${JSON.stringify(dir.join("hung"))});
const skipped = await callHook(
  { hook: "hook post_add", subject: 'ABC "Name"', key: "ABC" },
  () => { while (true) {} },
  [],
  1000,
);
await callHook({ hook: "hook post_add", subject: 'ABC "Name"', key: "ABC" }, () => { while (true) {} }, [], 1000);
const other = await callHook({ hook: "hook post_add", subject: "DEF", key: "DEF" }, () => 7, [], 1000);
console.log(JSON.stringify([skipped.ok ? "ran" : skipped.kind, other]));`,
    );
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual(["skipped", { ok: true, value: 7 }]);
    expect(again.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(
        new RegExp(
          String.raw`^warn {2}hooks: hook post_add skipped for ABC "Name": it blocked seedwatch on \S+ ` +
            String.raw`\(recorded in .*hung; delete that line, or the file, to run it again\)$`,
        ),
      ),
    ]);
  });

  test("a block after an await, with two calls pending: " +
    "both named and recorded as suspects, after ten times the limit", () => {
    using dir = tempDir("watchdog");
    const r = child(
      dir,
      `setHangFile(${JSON.stringify(dir.join("hung"))});
const pending = await callHook(
  { hook: "hook complete", subject: "ONE", key: "ONE" },
  () => new Promise(() => {}),
  [],
  1000,
);
console.log(pending.ok ? "?" : pending.kind); // it timed out, and stays in flight
await callHook(
  { hook: "hook post_add", subject: "TWO", key: "TWO" },
  async () => { await Promise.resolve(); while (true) {} },
  [],
  1000,
);`,
    );
    expect([r.code, r.stdout]).toEqual([12, "timeout\n"]);
    expect(r.stderr).toMatch(
      new RegExp(
        String.raw`^error watchdog: seedwatch was blocked for [1-9]\d+ s ` +
          String.raw`\(limit 10 s, for code after an await\) ` +
          "while these were pending, any of which may be the cause: " +
          "hook complete for ONE, hook post_add for TWO: exiting with status 12; " +
          "each will be skipped for its key from now on " +
          String.raw`\(recorded in .*: delete the line to run it again\)\n$`,
      ),
    );
    expect(hangs(dir).map((h) => [h.key, h.certain])).toEqual([
      ["ONE", false],
      ["TWO", false],
    ]);
  }, 60_000); // the watchdog waits 10 s here, by design; the child's own ceiling is 40 s

  test("in JSON logs the line is one JSON record; a job without a key is named and not recorded", () => {
    using dir = tempDir("watchdog");
    const r = child(
      dir,
      `setFormat("json");
setHangFile(${JSON.stringify(dir.join("hung"))});
watched({ hook: "TaskScheduler job", subject: "/w/f" }, () => { while (true) {} }, 1000);`,
    );
    expect(r.code).toBe(12);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({
      time: expect.any(String),
      level: "error",
      tag: "watchdog",
      msg: expect.stringMatching(
        /^TaskScheduler job for \/w\/f blocked seedwatch for [1-9][\d.]* s \(limit 1 s\): exiting with status 12$/,
      ),
    });
    expect(existsSync(dir.join("hung"))).toBe(false);
  });

  test("calls that finish, throw or are left pending do not keep a finished process alive", () => {
    using dir = tempDir("watchdog");
    const r = child(
      dir,
      `const a = await callHook({ hook: "hook a" }, () => 1, [], 1000);
const b = await callHook({ hook: "hook b" }, async () => { throw new Error("no"); }, [], 1000);
const c = await callHook({ hook: "hook c" }, () => new Promise(() => {}), [], 1000);
console.log([a.ok, b.ok ? "" : b.error, c.ok ? "" : c.error].join("|"));`,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(
        String.raw`^true\|hook b failed: no \(.*child-\w+\.ts:\d+:\d+\)\|` +
          String.raw`hook c did not finish within 1 s; it goes on in the background\n$`,
      ),
    );
  });
});
