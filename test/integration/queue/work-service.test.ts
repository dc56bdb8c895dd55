// seedwatch service install --queue-worker FILE: a queue worker as a systemd or OpenRC
// service, written into a staging root (--root). The example worker.ts it writes is typed
// by the seedwatch.d.ts beside it (test/integration/run/examples.test.ts type-checks the
// one `seedwatch init` writes).

import { expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { BIN, runBin } from "../../helpers/bin.ts";
import { tempDir } from "../../helpers/tmp.ts";

const ANALYZE = Bun.which("systemd-analyze");

test(
  "install --queue-worker (systemd): queue work --config FILE, " + "an example worker.ts with its types; uninstall",
  () => {
    using dir = tempDir("svc-worker");
    const r = runBin([
      "service",
      "install",
      "--queue-worker",
      "/etc/seedwatch/worker.ts",
      "--init",
      "systemd",
      "--root",
      dir.path,
    ]);
    expect(r.code).toBe(0);
    const unitPath = dir.join("etc/systemd/system/seedwatch-worker.service");
    const unit = readFileSync(unitPath, "utf8");
    expect(unit).toContain(`ExecStart=${BIN} queue work --config /etc/seedwatch/worker.ts`);
    expect(unit).toContain("Description=seedwatch queue worker");
    expect(unit).not.toContain("ExecReload");
    expect(readFileSync(dir.join("etc/seedwatch/worker.ts"), "utf8")).toContain("defineWorker({");
    expect(readFileSync(dir.join("etc/seedwatch/seedwatch.d.ts"), "utf8")).toContain("export function defineWorker(");
    expect(r.stdout).toContain("seedwatch queue work metadata 1 --config /etc/seedwatch/worker.ts");
    if (ANALYZE) {
      const v = Bun.spawnSync([ANALYZE, "verify", unitPath], { stdout: "pipe", stderr: "pipe" });
      expect(`${v.stdout}${v.stderr}`).toBe("");
    }
    const gone = runBin([
      "service",
      "uninstall",
      "--queue-worker",
      "/etc/seedwatch/worker.ts",
      "--init",
      "systemd",
      "--root",
      dir.path,
    ]);
    expect(gone.code).toBe(0);
    expect(existsSync(unitPath)).toBe(false);
    expect(existsSync(dir.join("etc/seedwatch/worker.ts"))).toBe(false); // the example, unchanged
  },
);

test("install --queue-worker (openrc); with --queue or --config it is a usage error", () => {
  using dir = tempDir("svc-worker-rc");
  const r = runBin([
    "service",
    "install",
    "--queue-worker",
    "/etc/seedwatch/w.ts",
    "--init",
    "openrc",
    "--root",
    dir.path,
  ]);
  expect(r.code).toBe(0);
  const script = readFileSync(dir.join("etc/init.d/seedwatch-worker"), "utf8");
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the OpenRC script's own shell variable, asserted as written
  expect(script).toContain('command_args="queue work ${SEEDWATCH_QUEUE_ARGS}"');
  expect(script).toContain("--config /etc/seedwatch/w.ts");
  for (const extra of [["--queue"], ["--config", "/etc/seedwatch/config.ts"]]) {
    const bad = runBin(["service", "install", "--queue-worker", "w.ts", ...extra, "--root", dir.path]);
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining("--queue-worker is a service of its own")]);
  }
});
