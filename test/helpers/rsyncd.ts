// An rsync daemon on loopback for the Mirror's remote destinations (shared/reference/
// test-services.md): one module `m` over a temp folder, on a port found free.

import { mkdirSync, writeFileSync } from "node:fs";
import { waitFor } from "./wait.ts";

export const HAS_RSYNC = Bun.spawnSync(["sh", "-c", "command -v rsync"]).exitCode === 0;

export interface Rsyncd extends AsyncDisposable {
  /** rsync://127.0.0.1:PORT/m */
  url: string;
  /** The module's folder. */
  path: string;
}

export async function startRsyncd(dir: string): Promise<Rsyncd> {
  const path = `${dir}/mod`;
  mkdirSync(path, { recursive: true });
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  writeFileSync(
    `${dir}/rsyncd.conf`,
    `use chroot = no\nuid = ${uid}\ngid = ${gid}\npid file = ${dir}/rsyncd.pid\n[m]\npath = ${path}\nread only = no\n`,
  );
  const port = freePort();
  const proc = Bun.spawn(
    ["rsync", "--daemon", "--no-detach", `--config=${dir}/rsyncd.conf`, `--port=${port}`, "--address=127.0.0.1"],
    { stdout: "ignore", stderr: "pipe" },
  );
  const url = `rsync://127.0.0.1:${port}/m`;
  await waitFor(
    () => Bun.spawnSync(["rsync", `${url}/`], { stdout: "ignore", stderr: "ignore" }).exitCode === 0,
    "rsyncd answers",
  );
  return {
    url,
    path,
    async [Symbol.asyncDispose]() {
      proc.kill();
      await proc.exited;
    },
  };
}

/** A TCP port nothing listens on now. */
function freePort(): number {
  const s = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = s.port;
  s.stop(true);
  return port;
}
