// run --hook-timeout: one limit for the config's user code, its jobs and its rtorrent
// section's hooks; $SEEDWATCH_HOOK_TIMEOUT when it is not given.

import { describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { Running, runBin } from "../../helpers/bin.ts";
import { makeTorrent, writeSession } from "../../helpers/rtorrent.ts";
import { tempDir, type TempDir } from "../../helpers/tmp.ts";
import { waitFor } from "../../helpers/wait.ts";

function config(dir: TempDir, body: string): string {
  const path = dir.join("config.ts");
  writeFileSync(path, `import { Pyinotifyd, Watch, TaskScheduler } from "seedwatch";\n${body}`);
  return path;
}

test("it limits a job stuck in a synchronous loop (and wins over $SEEDWATCH_HOOK_TIMEOUT)", async () => {
  using dir = tempDir("run");
  mkdirSync(dir.join("w"));
  const cfg = config(
    dir,
    `const t = new TaskScheduler({ job: () => { while (true) {} } });
export default new Pyinotifyd({
  watches: [new Watch({ path: "${dir.join("w")}", event_map: { IN_CLOSE_WRITE: t } })],
});`,
  );
  await using w = new Running(["run", "--hook-timeout", "1", cfg], { env: { SEEDWATCH_HOOK_TIMEOUT: "600" } });
  await w.waitStderr(/running /, "running");
  writeFileSync(dir.join("w/loop"), "");
  await waitFor(() => w.proc.exitCode !== null, "the watchdog ends the daemon", 20_000);
  expect(await w.stop()).toBe(12);
  expect(w.stderr).toMatch(/TaskScheduler job for .*\/w\/loop blocked seedwatch for [\d.]+ s \(limit 1 s\)/);
});

describe("the rtorrent section's hooks", () => {
  for (const [label, args, env] of [
    ["--hook-timeout", ["--hook-timeout", "1"], {}],
    ["$SEEDWATCH_HOOK_TIMEOUT without the option", [], { SEEDWATCH_HOOK_TIMEOUT: "1" }],
  ] as const) {
    test(`${label}: a hook still running is logged at the limit, and the daemon goes on`, async () => {
      using dir = tempDir("run");
      mkdirSync(dir.join("session"));
      mkdirSync(dir.join("w"));
      writeFileSync(dir.join("hooks.ts"), "export function post_add() { return new Promise(() => {}); }\n");
      const cfg = config(
        dir,
        `export default new Pyinotifyd({ watches: [],
  rtorrent: { session: "${dir.join("session")}", db: "${dir.join("index.db")}",
    hooks: ["${dir.join("hooks.ts")}"] } });`,
      );
      await using w = new Running(["run", ...args, cfg], { env });
      await w.waitStderr(/running /, "running");
      writeSession(dir.join("session"), makeTorrent({ name: "Slow", length: 1 }), { directory: dir.join("dl") });
      await w.waitStderr(/hook post_add did not finish within 1 s/, "the hook timed out");
      expect(await w.stop("SIGTERM")).toBe(0);
    });
  }
});

test("a value that is not a number of seconds is refused", () => {
  using dir = tempDir("run");
  const r = runBin(["run", "--hook-timeout", "soon", config(dir, "export default new Pyinotifyd({ watches: [] });")]);
  expect(r.code).toBe(3);
  expect(r.stderr).toContain('--hook-timeout: must be a number above 0, not "soon"');
});
