// For the Mirror tests: the convergence check (rsync's own view), a config, and the
// daemon running it.

import { writeFileSync } from "node:fs";
import { Running } from "../../helpers/bin.ts";
import { waitFor } from "../../helpers/wait.ts";

export const HAS_RSYNC = Bun.spawnSync(["sh", "-c", "command -v rsync"]).exitCode === 0;
export const NO_RSYNC = "rsync is not installed (apt-get install rsync): the mirror tests need it to check convergence";
export const ROOT = process.getuid?.() === 0;

/** What `rsync -a -n -i --delete SRC/ DST/` would still do ("" when converged). */
export function differences(src: string, dst: string, extra: string[] = []): string {
  const r = Bun.spawnSync(["rsync", "-a", "-n", "-i", "--delete", ...extra, `${src}/`, `${dst}/`], {
    stdout: "pipe",
    stderr: "pipe",
  });
  return `${r.stdout.toString()}${r.exitCode ? `rsync exit ${r.exitCode}: ${r.stderr}` : ""}`;
}

/** Wait until rsync sees nothing to do; on timeout, say what it still sees. */
export async function converged(src: string, dst: string, label = "converged", timeoutMs = 20_000): Promise<void> {
  let last = "";
  await waitFor(() => (last = differences(src, dst)) === "", label, timeoutMs).catch((err) => {
    throw new Error(`${(err as Error).message}\nrsync still sees:\n${last.slice(0, 3000)}`);
  });
}

/** A config mirroring `src` (a Watch, rec and auto_add) with `options` (object literal text). */
export function mirrorConfig(file: string, src: string, options: string, watchExtra = ""): string {
  writeFileSync(
    file,
    `import { Pyinotifyd, Watch, Mirror } from "seedwatch";
export default new Pyinotifyd({ watches: [new Watch({ path: ${JSON.stringify(src)},
  rec: true, auto_add: true, ${watchExtra}
  plugins: [new Mirror(${options})] })] });
`,
  );
  return file;
}

/** Start the daemon and wait until its first comparison is done. */
export async function startMirror(cfg: string, opts: { env?: Record<string, string> } = {}): Promise<Running> {
  const w = new Running(["run", cfg], opts);
  await w.waitStderr(/mirror: .* compared in/, "the first comparison");
  return w;
}
