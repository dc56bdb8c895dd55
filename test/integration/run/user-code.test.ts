// seedwatch run with user code that goes wrong, through the compiled binary: a job stuck
// in a synchronous loop (the watchdog ends the daemon with status 12 and one line), and a
// config with syntax errors, at start and on a reload (each error at file:line:col with its
// source line; never Bun's "?v=" suffix or a hint to run bun).

import { describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { Running, runBin } from "../../helpers/bin.ts";
import { tempDir, type TempDir } from "../../helpers/tmp.ts";
import { waitFor } from "../../helpers/wait.ts";

function config(dir: TempDir, body: string): string {
  const path = dir.join("config.ts");
  writeFileSync(path, `import { Pyinotifyd, Watch, TaskScheduler } from "seedwatch";\n${body}`);
  return path;
}

const BROKEN = `import { Pyinotifyd } from "seedwatch";\nexport default new Pyinotifyd({\n  watches: [,\n});\n`;

test(
  "a job stuck in a synchronous loop ends the daemon with status 12 " + "and one line naming the job and the path",
  async () => {
    using dir = tempDir("run");
    mkdirSync(dir.join("w"));
    const cfg = config(
      dir,
      `const t = new TaskScheduler({ job: (event) => { if (event.pathname.endsWith("/loop")) while (true) {} } });
export default new Pyinotifyd({
  watches: [new Watch({ path: "${dir.join("w")}", event_map: { IN_CLOSE_WRITE: t } })],
});`,
    );
    await using w = new Running(["run", cfg], { env: { SEEDWATCH_HOOK_TIMEOUT: "1" } });
    await w.waitStderr(/running /, "running");
    writeFileSync(dir.join("w/fine"), "");
    await w.waitStderr(/task finished/, "a job that returns");
    writeFileSync(dir.join("w/loop"), "");
    await waitFor(() => w.proc.exitCode !== null, "the watchdog ends the daemon", 20_000);
    expect(await w.stop()).toBe(12);
    expect(w.stderr.split("\n").filter((l) => l.includes("blocked seedwatch"))).toEqual([
      expect.stringMatching(
        new RegExp(
          `^error watchdog: TaskScheduler job for ${dir.join("w/loop")} ` +
            `blocked seedwatch for [\\d.]+ s \\(limit 1 s\\): exiting with status 12$`,
        ),
      ),
    ]);
  },
);

describe("a config with syntax errors", () => {
  test("at start: each error at file:line:col with its source line and a caret, then what to do", () => {
    using dir = tempDir("run");
    const cfg = dir.join("config.ts");
    writeFileSync(cfg, BROKEN);
    for (const args of [
      ["run", cfg],
      ["run", "--check", cfg],
    ]) {
      const r = runBin(args);
      expect(r.code).toBe(9);
      expect(r.stderr).toBe(
        `seedwatch: ${cfg}:4:1: Unexpected }\n  });\n  ^\n` +
          `config file ${cfg} failed to load (1 error)\nhint: fix the file, then start seedwatch again\n`,
      );
    }
  });

  test("on a reload (SIGHUP, or the save itself): the errors, no ?v=, and the running config stays", async () => {
    using dir = tempDir("run");
    mkdirSync(dir.join("w"));
    const cfg = config(
      dir,
      `export default new Pyinotifyd({ watches: [new Watch({ path: "${dir.join("w")}",
  event_map: { IN_CLOSE_WRITE: new TaskScheduler({ job: () => {} }) } })] });`,
    );
    await using w = new Running(["run", cfg]);
    await w.waitStderr(/running /, "running");
    writeFileSync(dir.join("w/first"), "");
    await w.waitStderr(
      /task finished, mask=IN_CLOSE_WRITE, path=.*\/w\/first/,
      "the config acts (and the daemon has set up its signals)",
    );
    writeFileSync(cfg, BROKEN); // the save itself may reload it already
    w.proc.kill("SIGHUP");
    await w.waitStderr(
      /got signal SIGHUP[\s\S]*unable to reload[\s\S]*the running config stays\n/,
      "the reload on SIGHUP fails",
    );
    const failure =
      `unable to reload config file '${cfg}': ${cfg}:4:1: Unexpected }\n  });\n  ^\n` +
      `config file ${cfg} failed to load (1 error); the running config stays\n`;
    expect(w.stderr.split(failure).length).toBe(w.stderr.split("unable to reload").length); // every failure reads so
    expect(w.stderr).not.toContain("?v=");
    expect(w.stderr).not.toMatch(/\bbun\b/);
    writeFileSync(dir.join("w/still"), "");
    await w.waitStderr(/task finished, mask=IN_CLOSE_WRITE, path=.*\/w\/still/, "the old config still runs");
    expect(await w.stop("SIGTERM")).toBe(0);
  });
});
