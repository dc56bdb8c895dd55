// For the Mirror tests: the convergence check (rsync's own view), a config, and the
// daemon running it.

import { lstatSync, readdirSync, writeFileSync } from "node:fs";
import { Running } from "../../helpers/bin.ts";
import { waitFor } from "../../helpers/wait.ts";

export const HAS_RSYNC = Bun.spawnSync(["sh", "-c", "command -v rsync"]).exitCode === 0;
export const NO_RSYNC = "rsync is not installed (apt-get install rsync): the mirror tests need it to check convergence";
export const ROOT = process.getuid?.() === 0;

/**
 * What `rsync -a -n -i --delete SRC/ DST/` would still do ("" when converged), and, with
 * `exactTimes`, every entry on both sides whose mtime differs by 2 µs or more (a local
 * Mirror copies times to the microsecond). rsync compares whole seconds, so a time left
 * wrong within the same second passes it: that hid a Mirror bug (folders to settle did
 * not follow renames) until a soak run crossed a second. A remote Mirror is rsync's own
 * work, and rsync leaves a new folder's time alone when it is within the same second.
 */
export function differences(src: string, dst: string, extra: string[] = [], exactTimes = extra.length === 0): string {
  const r = Bun.spawnSync(["rsync", "-a", "-n", "-i", "--delete", ...extra, `${src}/`, `${dst}/`], {
    stdout: "pipe",
    stderr: "pipe",
  });
  const rsync = `${r.stdout.toString()}${r.exitCode ? `rsync exit ${r.exitCode}: ${r.stderr}` : ""}`;
  return rsync || !exactTimes ? rsync : timeDifferences(src, dst);
}

/** Entries on both sides, of one kind, whose mtimes differ by 2 µs or more: one line each. */
export function timeDifferences(src: string, dst: string): string {
  const out: string[] = [];
  const walk = (s: Buffer, d: Buffer, rel: string) => {
    let names: Buffer[];
    try {
      names = readdirSync(s, { encoding: "buffer" });
    } catch {
      return; // changed meanwhile: rsync's look says so
    }
    for (const name of names) {
      const [sp, dp] = [Buffer.concat([s, SLASH, name]), Buffer.concat([d, SLASH, name])];
      const a = lstatSync(sp, { bigint: true, throwIfNoEntry: false });
      const b = lstatSync(dp, { bigint: true, throwIfNoEntry: false });
      if (!a || !b || (a.mode & 0o170000n) !== (b.mode & 0o170000n)) continue;
      const path = `${rel}${name.toString("latin1")}${a.isDirectory() ? "/" : ""}`;
      const gap = a.mtimeNs > b.mtimeNs ? a.mtimeNs - b.mtimeNs : b.mtimeNs - a.mtimeNs;
      if (gap >= 2000n) out.push(`mtime ${path}: source ${a.mtimeNs} ns, mirror ${b.mtimeNs} ns`);
      if (a.isDirectory()) walk(sp, dp, path);
    }
  };
  const [a, b] = [lstatSync(src, { bigint: true }), lstatSync(dst, { bigint: true })];
  if (a.mtimeNs - b.mtimeNs >= 2000n || b.mtimeNs - a.mtimeNs >= 2000n)
    out.push(`mtime ./: source ${a.mtimeNs} ns, mirror ${b.mtimeNs} ns`);
  walk(Buffer.from(src), Buffer.from(dst), "");
  return out.map((l) => `${l}\n`).join("");
}

const SLASH = Buffer.from("/");

/** Wait until differences() finds nothing; on timeout, say what it still finds. */
export async function converged(
  src: string,
  dst: string,
  label = "converged",
  timeoutMs = 20_000,
  exactTimes = true,
): Promise<void> {
  let last = "";
  await waitFor(() => (last = differences(src, dst, [], exactTimes)) === "", label, timeoutMs).catch((err) => {
    throw new Error(`${(err as Error).message}\nstill differs:\n${last.slice(0, 3000)}`);
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
