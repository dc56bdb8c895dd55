// A Mirror to another host through the system's rsync: an rsync daemon on loopback
// (rsync://), and HOST:PATH through `rsh`, with a local stand-in for ssh (no ssh server
// here: the stand-in runs the remote side's command on this host, through a shell as
// ssh would). Changes go in batches: one rsync per batch, not one per file. Converged
// here is rsync's view (whole seconds): the copying is rsync's.

import { describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { fsPath } from "../../../src/fs/path.ts";
import { HAS_RSYNC, startRsyncd } from "../../helpers/rsyncd.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { converged, mirrorConfig, startMirror } from "./mirror-rig.ts";

if (!HAS_RSYNC)
  console.warn("skipped: rsync is not installed (apt-get install rsync): the remote mirror tests need it");

/** Changes of every kind, one after another. */
function changes(src: string): void {
  mkdirSync(`${src}/x/y/z`, { recursive: true });
  writeFileSync(`${src}/x/y/z/f`, "deep");
  renameSync(`${src}/a`, `${src}/b`);
  rmSync(`${src}/b/f`);
  writeFileSync(fsPath(`${src}/new\nline caf\udce9`), "odd name");
  chmodSync(`${src}/x`, 0o700);
  for (let i = 0; i < 200; i++) writeFileSync(`${src}/x/many${i}`, String(i));
}

describe.skipIf(!HAS_RSYNC)("Mirror to a remote destination", () => {
  test("rsync://: the start is rsync's comparison, then batches of changes until converged", async () => {
    using dir = tempDir("remote");
    await using d = await startRsyncd(dir.join("daemon"));
    const src = dir.join("src");
    mkdirSync(`${src}/a`, { recursive: true });
    writeFileSync(`${src}/a/f`, "one");
    const cfg = mirrorConfig(dir.join("config.ts"), src, `{ destination: "${d.url}/sub" }`);
    // A wrapper counts rsync's runs: batches, not one process per file.
    const runs = dir.join("runs");
    const wrapper = dir.join("bin/rsync");
    mkdirSync(dir.join("bin"));
    writeFileSync(wrapper, `#!/bin/sh\necho run >> ${runs}\nexec ${Bun.which("rsync")} "$@"\n`);
    chmodSync(wrapper, 0o755);
    await using w = await startMirror(cfg, { env: { PATH: `${dir.join("bin")}:${process.env.PATH}` } });
    await converged(src, `${d.path}/sub`, "the first comparison", 20_000, false);
    changes(src);
    await converged(src, `${d.path}/sub`, "converged", 20_000, false);
    const count = (await Bun.file(runs).text()).split("\n").filter(Boolean).length;
    expect(count).toBeLessThan(50); // 206 changed paths
    expect(await w.stop("SIGTERM")).toBe(0);
  });

  test("HOST:PATH through rsh (a local stand-in for ssh)", async () => {
    using dir = tempDir("remote");
    const [src, dst] = [dir.join("src"), dir.join("far/dst")];
    mkdirSync(`${src}/a`, { recursive: true });
    mkdirSync(dir.join("far"));
    writeFileSync(`${src}/a/f`, "one");
    const ssh = dir.join("fake-ssh");
    // What ssh does with `ssh HOST CMD…`: the words joined, then run by the remote user's shell.
    writeFileSync(ssh, `#!/bin/sh\nshift\nexec sh -c "$*"\n`);
    chmodSync(ssh, 0o755);
    const cfg = mirrorConfig(dir.join("config.ts"), src, `{ destination: "somehost:${dst}", rsh: "${ssh}" }`);
    await using w = await startMirror(cfg);
    await converged(src, dst, "the first comparison", 20_000, false);
    changes(src);
    await converged(src, dst, "converged", 20_000, false);
    expect(await w.stop("SIGTERM")).toBe(0);
  });
});
