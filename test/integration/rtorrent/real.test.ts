// seedwatch rtorrent against a real rtorrent 0.9.8 from Debian, driven over its SCGI
// socket, loopback only. .ci/run installs the package; without it these are skipped.

import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { Running, runBin } from "../../helpers/bin.ts";
import { queryIndex } from "../../helpers/index-db.ts";
import { makeRealTorrent, makeTorrent } from "../../helpers/rtorrent.ts";
import { HAVE_RTORRENT, startRtorrent } from "../../helpers/rtorrentd.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { waitFor } from "../../helpers/wait.ts";

/** The hashes in the index (none while seedwatch has not made it yet). */
function indexed(db: string): string[] {
  return queryIndex<{ hash: string }>(db, "SELECT hash FROM torrent_data ORDER BY hash").map((r) => r.hash);
}

describe.skipIf(!HAVE_RTORRENT)("seedwatch rtorrent with a real rtorrent", () => {
  test("add (stopped and started), erase with -r, a symlinked cross-seed keeps the data", async () => {
    using dir = tempDir("rtreal");
    await using rt = await startRtorrent(dir.path);
    const db = dir.join("index.db");
    await using sw = new Running(["rtorrent", "--db", db, "--no-log", "-r", rt.session, rt.download]);
    await sw.waitStderr(/watching /, "seedwatch watching");
    const data = new TextEncoder().encode("payload ".repeat(4000));
    const a = makeRealTorrent("shared.bin", data);
    const b = makeTorrent({
      name: "other",
      files: [{ path: ["x"], length: 1 }],
      announce: "http://127.0.0.1:9/announce",
    });
    writeFileSync(`${rt.download}/shared.bin`, data);
    await rt.rpc.call("load.raw_start", "", a.bytes);
    await rt.rpc.call("load.raw", "", b.bytes);
    await waitFor(() => indexed(db).length === 2, "both indexed");
    expect(indexed(db).sort()).toEqual([a.hash, b.hash].sort());
    // a cross-seed of the same data, as cross-seed tools make it: its own directory with a
    // symlink to the file. Erasing the original must keep the file.
    const cross = makeTorrent({ name: "shared.bin", length: data.length, announce: "http://127.0.0.1:9/x" });
    mkdirSync(`${rt.download}/cross`);
    symlinkSync(`${rt.download}/shared.bin`, `${rt.download}/cross/shared.bin`);
    await rt.rpc.call("load.raw", "", cross.bytes, `d.directory.set=${rt.download}/cross`);
    await waitFor(() => indexed(db).includes(cross.hash), "cross-seed indexed");
    await rt.rpc.call("d.erase", a.hash);
    // Its rows go before its data is judged (so no reader sees a listed torrent without
    // data): wait for the end of the whole removal, the line that says what was deleted.
    // Erasing the cross-seed before then would leave the file needed by no one, rightly deleted.
    await sw.waitStderr(new RegExp(`removed ${a.hash} .*; 0 of 1 file\\(s\\) deleted`), "erasure of a done");
    expect(indexed(db)).not.toContain(a.hash);
    expect(existsSync(`${rt.download}/shared.bin`)).toBe(true);
    await rt.rpc.call("d.erase", cross.hash);
    await waitFor(() => !existsSync(`${rt.download}/cross/shared.bin`), "the cross-seed's link removed");
    expect(existsSync(`${rt.download}/shared.bin`)).toBe(true); // seedwatch never follows a link to delete
    expect(indexed(db)).toEqual([b.hash]);
  });

  test("a burst of 200 added in one multicall is all indexed; restart and SIGKILL lose nothing", async () => {
    using dir = tempDir("rtburst");
    await using rt = await startRtorrent(dir.path);
    const db = dir.join("index.db");
    await using sw = new Running(["rtorrent", "--db", db, "--no-log", rt.session]);
    await sw.waitStderr(/watching /, "seedwatch watching");
    const ts = Array.from({ length: 200 }, (_, i) =>
      makeTorrent({ name: `burst-${i}`, length: i + 1, announce: "http://127.0.0.1:9/announce" }),
    );
    await rt.rpc.multicall(ts.map((t) => ["load.raw", "", t.bytes]));
    await waitFor(() => indexed(db).length === 200, "200 indexed");
    expect(indexed(db)).toEqual(ts.map((t) => t.hash).sort());
    await rt.stop();
    await rt.start();
    await rt.rpc.call("session.save");
    await rt.kill();
    await rt.start();
    await rt.rpc.call("d.erase", ts[0]!.hash);
    await waitFor(() => indexed(db).length === 199, "erase after restarts seen");
    expect(sw.stderr).not.toMatch(/removed (?!.*burst-0)/); // nothing else was dropped
  });

  test("a real completion from a second rtorrent on loopback runs the complete hook once", async () => {
    using dir = tempDir("rtdone");
    mkdirSync(dir.join("seeder"));
    mkdirSync(dir.join("leecher"));
    const data = new Uint8Array(300_000).map((_, i) => (i * 7919) % 251);
    const t = makeRealTorrent("song.flac", data);
    mkdirSync(dir.join("seeder/download"), { recursive: true });
    writeFileSync(dir.join("seeder/download/song.flac"), data);
    // Each listens on a free port of its own choosing: a fixed one is taken whenever
    // another run of this suite is on the machine, and then peers meet the wrong rtorrent.
    const listen = "network.port_open.set = yes\nnetwork.port_range.set = 49152-65000\nnetwork.port_random.set = yes\n";
    await using seeder = await startRtorrent(dir.join("seeder"), listen);
    await using leecher = await startRtorrent(dir.join("leecher"), listen);
    const seederPort = (await seeder.rpc.call("network.listen.port")) as number;
    const hooks = dir.join("hooks.ts");
    writeFileSync(
      hooks,
      `import { appendFileSync } from "node:fs";
export function complete(db: unknown, path: string) {
  appendFileSync(${JSON.stringify(dir.join("done.log"))}, path + "\\n");
}`,
    );
    const db = dir.join("index.db");
    await using sw = new Running(["rtorrent", "--db", db, "--no-log", "--hooks", hooks, leecher.session]);
    await sw.waitStderr(/watching /, "seedwatch watching");
    await seeder.rpc.call("load.raw_start", "", t.bytes);
    // load.raw_start returns before the download is registered: "Could not find info-hash" until then.
    await waitFor(
      async () => (await seeder.rpc.call("d.complete", t.hash).catch(() => 0)) === 1,
      "seeder hash-checked",
    );
    await leecher.rpc.call("load.raw_start", "", t.bytes);
    await waitFor(() => indexed(db).includes(t.hash), "leecher's torrent indexed");
    await leecher.rpc.call("add_peer", t.hash, `127.0.0.1:${seederPort}`);
    await waitFor(() => existsSync(dir.join("done.log")), "complete hook ran", 60_000);
    expect(readFileSync(dir.join("leecher/download/song.flac")).equals(Buffer.from(data))).toBe(true);
    await leecher.rpc.call("session.save");
    await waitFor(async () => (await leecher.rpc.call("d.complete", t.hash).catch(() => 0)) === 1, "complete");
    // rtorrent signals a completion twice: the .complete marker its finished event touches,
    // and complete=1 in the saved .rtorrent. The hook gets the path of the one seedwatch
    // reads first, which is a race inside rtorrent; it must run once for both.
    await waitFor(() => existsSync(`${leecher.session}/${t.hash}.complete`), "rtorrent's .complete marker");
    expect(await sw.stop("SIGTERM")).toBe(0);
    // The barrier: a full pass over the session as it is now, both signals on disk.
    expect(runBin(["rtorrent", "--db", db, "--no-log", "--once", "--hooks", hooks, leecher.session]).code).toBe(0);
    expect(readFileSync(dir.join("done.log"), "utf8").split("\n")).toEqual([
      expect.stringMatching(new RegExp(`^${leecher.session}/${t.hash}\\.(complete|torrent)$`)),
      "",
    ]);
  }, 90_000);
});
