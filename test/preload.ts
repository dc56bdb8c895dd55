// Runs once before the tests: build the binary the integration tests spawn, unless
// SEEDWATCH_BIN names one already built (CI builds first, then tests that file).

import { resolve } from "node:path";

if (!process.env.SEEDWATCH_BIN) {
  const root = resolve(import.meta.dir, "..");
  const r = Bun.spawnSync([process.execPath, "build.ts"], { cwd: root, stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) {
    process.stderr.write(`test/preload.ts: build failed\n${r.stdout}${r.stderr}`);
    process.exit(1);
  }
  process.env.SEEDWATCH_BIN = resolve(root, "dist/seedwatch");
}
