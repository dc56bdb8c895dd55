// An iObserver user's way in: `seedwatch init --from-iobserver iobserverrc` with the compiled
// binary, then `run --check` on what it wrote, and the converted config running: the
// Scribe logs and the Mirror converges, as iObserver's scribe and replica claimed to.

import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Running, runBin } from "../../helpers/bin.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { waitFor } from "../../helpers/wait.ts";
import { converged, HAS_RSYNC, NO_RSYNC } from "./mirror-rig.ts";

const TSC = join(import.meta.dir, "../../../node_modules/.bin/tsc");

describe("seedwatch init --from-iobserver", () => {
  test.skipIf(!HAS_RSYNC)("the converted rc passes --check, type-checks, logs and mirrors", async () => {
    if (!HAS_RSYNC) console.warn(NO_RSYNC);
    using dir = tempDir("iobserver");
    // Relative paths, as in an rc run from the user's home: resolved from init's cwd.
    mkdirSync(dir.join("home/data it's"), { recursive: true });
    writeFileSync(
      dir.join("home/iobserverrc"),
      `[global]
watch_config = yes
watch_plugins = yes
[watches]
[["data it's"]]
plugins = scribe, replica   # log and mirror
scribe_log = logs/data.log
replica_destination = ../backup
`,
    );
    mkdirSync(dir.join("home/logs"));
    const conf = dir.join("conf");
    const init = runBin(["init", "--from-iobserver", "iobserverrc", conf], { cwd: dir.join("home") });
    expect(init.stderr).toBe("");
    expect(init.code).toBe(0);
    expect(init.stdout).toContain(`wrote   ${join(conf, "config.ts")}\n`);
    expect(init.stdout).not.toContain("hooks.ts");

    const cfg = join(conf, "config.ts");
    const src = dir.join("home/data it's");
    const check = runBin(["run", "--check", cfg]);
    expect(check.stderr).toBe("");
    expect(check.code).toBe(0);
    expect(check.stdout).toContain(`watch ${src} (recursive)\n`);
    expect(check.stdout).toContain(`plugin scribe {"log":"${dir.join("home/logs/data.log")}","format":"text"`);
    expect(check.stdout).toContain(`plugin mirror {"destination":"${dir.join("backup")}"`);

    const tsc = Bun.spawnSync([TSC, "-p", conf], { stdout: "pipe" });
    expect(tsc.stdout.toString()).toBe("");

    await using w = new Running(["run", cfg]);
    await w.waitStderr(/mirror: .* compared in/, "the first comparison");
    mkdirSync(join(src, "a/b"), { recursive: true });
    writeFileSync(join(src, "a/b/new\nline"), "x");
    await converged(src, dir.join("backup"));
    const log = dir.join("home/logs/data.log");
    await waitFor(
      () => /scribe: .*\/a\/b: file 'new\\nline' was CLOSED/.test(readFileSync(log, "utf8")),
      "the log's CLOSED line",
    );
    expect(await w.stop("SIGTERM")).toBe(0);
    expect(readFileSync(log, "utf8")).toMatch(/WATCH STOPPED/);
  });

  test("a malformed rc is one line naming the line, a hint and exit 3, and writes nothing", () => {
    using dir = tempDir("iobserver");
    writeFileSync(dir.join("rc"), "[watches]\n[[/srv]]\nplugins = scribe\nscribe_log /var/log/x\n");
    const r = runBin(["init", "--from-iobserver", dir.join("rc"), dir.join("conf")]);
    expect(r.code).toBe(3);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines[0]).toBe(`seedwatch: ${dir.join("rc")}: cannot read line 4: "scribe_log /var/log/x"`);
    expect(lines[1]).toBe("hint: key = value, inside a section");
    expect(lines.length).toBe(2);
    expect(existsSync(dir.join("conf"))).toBe(false);
    const missing = runBin(["init", "--from-iobserver", dir.join("nope"), dir.join("conf")]);
    expect(missing.stderr.split("\n")[0]).toMatch(/^seedwatch: open .*nope.*: /);
  });
});
