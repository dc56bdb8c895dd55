// The watch-directory hand-off on the real filesystem: the file appears whole under its
// safe name (inotify sees only the rename), a real rtorrent watching the directory loads
// it, and a full disk, a refused directory or a missing one is a retry with the reason,
// leaving nothing behind.

import { describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { HandOffError } from "../../../../src/queue/handoff/types.ts";
import { WatchDirSeedbox } from "../../../../src/queue/handoff/watch-dir.ts";
import { InotifyWatcher } from "../../../../src/watch/inotify.ts";
import { AS_NOBODY } from "../../../helpers/bin.ts";
import { HAVE_RTORRENT, startRtorrent } from "../../../helpers/rtorrentd.ts";
import { tempDir } from "../../../helpers/tmp.ts";
import { EventLog, waitFor } from "../../../helpers/wait.ts";
import { realTorrent, torrentFile } from "./torrents.ts";

const ROOT = process.getuid?.() === 0;

async function refusal(p: Promise<unknown>): Promise<HandOffError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof HandOffError)) throw new Error(`expected a HandOffError, got ${String(err)}`);
  return err;
}

describe("watch directory hand-off", () => {
  test("the file appears whole under a safe name, only by a rename; progress is unknown", async () => {
    using dir = tempDir("ho-w");
    const watch = dir.join("watch");
    mkdirSync(watch);
    const log = new EventLog();
    const w = new InotifyWatcher({ onEvent: log.push });
    await w.add(watch);
    try {
      const t = realTorrent("../../etc/x", { x: "x".repeat(70_000) }, true);
      const box = new WatchDirSeedbox({ name: "w", dir: watch });
      // A site name that tries to climb out of the directory stays a name.
      const accepted = await box.handOff(torrentFile(t, "../../a/b\nc", 77));
      expect(accepted).toEqual({ infoHash: t.infoHash });
      const final = `${watch}/a_b_c-77-${t.infoHash.slice(0, 8)}.torrent`;
      expect(readdirSync(watch)).toEqual([final.slice(watch.length + 1)]);
      expect(Buffer.from(readFileSync(final)).equals(Buffer.from(t.bytes))).toBe(true);
      const arrived = await log.until((e) => e.path === final, "the final name");
      expect(arrived.names[0]).toBe("IN_MOVED_TO");
      expect(log.events.filter((e) => e.path === final).map((e) => e.names[0])).toEqual(["IN_MOVED_TO"]);
      expect(await box.progress(t.infoHash)).toEqual({ state: "unknown" });
      // again (a retry): same name, same bytes, nothing else
      await box.handOff(torrentFile(t, "../../a/b\nc", 77));
      expect(readdirSync(watch)).toHaveLength(1);
    } finally {
      await w.close();
    }
  });

  test.skipIf(!HAVE_RTORRENT)("a real rtorrent watching the directory loads what was handed off", async () => {
    using dir = tempDir("ho-w2");
    const watch = dir.join("watch");
    mkdirSync(watch);
    await using rt = await startRtorrent(
      dir.path,
      `schedule2 = watch_directory, 1, 1, ((load.start, (cat, "${watch}/", "*.torrent")))`,
    );
    const t = realTorrent("album", { "01.flac": "a".repeat(20_000) });
    await new WatchDirSeedbox({ name: "w", dir: watch }).handOff(torrentFile(t));
    await waitFor(
      async () => ((await rt.rpc.call("download_list", "")) as string[]).includes(t.infoHash.toUpperCase()),
      "rtorrent loaded it from its watch directory",
    );
  });

  test("a missing directory is a retry that names it", async () => {
    using dir = tempDir("ho-w3");
    const t = realTorrent("x", { x: "x" }, true);
    const err = await refusal(new WatchDirSeedbox({ name: "w", dir: dir.join("gone") }).handOff(torrentFile(t)));
    expect(err.disposition).toBe("retry");
    expect(err.message).toContain("does not exist (ENOENT)");
    expect(err.message).toContain(dir.join("gone"));
  });

  test("a corrupt file fails and writes nothing", async () => {
    using dir = tempDir("ho-w4");
    const t = realTorrent("x", { x: "x" }, true);
    const err = await refusal(
      new WatchDirSeedbox({ name: "w", dir: dir.path }).handOff({ ...torrentFile(t), bytes: t.bytes.subarray(3) }),
    );
    expect(err.disposition).toBe("fail");
    expect(readdirSync(dir.path)).toEqual([]);
  });

  test.skipIf(!ROOT)("a full disk (a tiny tmpfs) is a retry; no partial file is left (needs root)", async () => {
    using dir = tempDir("ho-w5");
    const mnt = dir.join("mnt");
    mkdirSync(mnt);
    const mount = Bun.spawnSync(["mount", "-t", "tmpfs", "-o", "size=64k", "seedwatch-test", mnt]);
    if (mount.exitCode !== 0) throw new Error(`mount tmpfs failed: ${mount.stderr}`);
    try {
      writeFileSync(`${mnt}/filler`, new Uint8Array(40_000));
      const t = realTorrent("x", { x: "x".repeat(30_000_000) }, true); // ~36 KB of piece hashes
      const err = await refusal(new WatchDirSeedbox({ name: "w", dir: mnt }).handOff(torrentFile(t)));
      expect(err.disposition).toBe("retry");
      expect(err.message).toContain("the disk is full (ENOSPC)");
      expect(readdirSync(mnt)).toEqual(["filler"]);
    } finally {
      Bun.spawnSync(["umount", mnt]);
    }
  });

  test.skipIf(!ROOT)("a directory the worker may not write is a retry (as nobody; needs root)", () => {
    using dir = tempDir("ho-w6");
    chmodSync(dir.path, 0o755);
    const watch = dir.join("watch");
    mkdirSync(watch, { mode: 0o755 }); // root's: nobody may not write here
    const t = realTorrent("x", { x: "x" }, true);
    writeFileSync(dir.join("t.torrent"), t.bytes);
    chmodSync(dir.join("t.torrent"), 0o644);
    const script = `
      const { WatchDirSeedbox } = await import(
        ${JSON.stringify(`${import.meta.dir}/../../../../src/queue/handoff/watch-dir.ts`)}
      );
      const bytes = new Uint8Array(require("node:fs").readFileSync(process.argv[2]));
      try {
        await new WatchDirSeedbox({ name: "w", dir: process.argv[1] })
          .handOff({ bytes, infoHash: process.argv[3], site: "OPS", siteTorrentId: 1 });
        console.log("accepted");
      } catch (e) { console.log(JSON.stringify({ name: e.name, disposition: e.disposition, message: e.message })); }`;
    const r = Bun.spawnSync([...AS_NOBODY, process.execPath, "-e", script, watch, dir.join("t.torrent"), t.infoHash], {
      env: { HOME: "/tmp", PATH: process.env.PATH ?? "/usr/bin:/bin" },
      stdout: "pipe",
      stderr: "pipe",
    });
    if (r.exitCode !== 0) throw new Error(`child as nobody failed: ${r.stderr}`);
    const out = JSON.parse(r.stdout.toString());
    expect(out).toMatchObject({ name: "HandOffError", disposition: "retry" });
    expect(out.message).toContain("permission denied (EACCES)");
    expect(existsSync(watch) && readdirSync(watch)).toEqual([]);
  });
});
