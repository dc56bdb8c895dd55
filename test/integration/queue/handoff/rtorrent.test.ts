// The rtorrent hand-off against a real rtorrent 0.9.8 from Debian on its SCGI socket.
// .ci/test installs the package; without it these are skipped.

import { describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync } from "node:fs";
import { RtorrentSeedbox } from "../../../../src/queue/handoff/rtorrent.ts";
import { HandOffError } from "../../../../src/queue/handoff/types.ts";
import { HAVE_RTORRENT, startRtorrent } from "../../../helpers/rtorrentd.ts";
import { tempDir } from "../../../helpers/tmp.ts";
import { waitFor } from "../../../helpers/wait.ts";
import { realTorrent, torrentFile, writeData } from "./torrents.ts";

async function refusal(p: Promise<unknown>): Promise<HandOffError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof HandOffError)) throw new Error(`expected a HandOffError, got ${String(err)}`);
  return err;
}

describe.skipIf(!HAVE_RTORRENT)("rtorrent hand-off, real rtorrent", () => {
  test("loaded started, in the seedbox's directory, tagged; complete once the data checks out", async () => {
    using dir = tempDir("ho-rt");
    await using rt = await startRtorrent(dir.path);
    // A directory name rtorrent's command parser would split (comma, quotes) if it went
    // through a load command string.
    const target = dir.join('music, "the" best; één');
    mkdirSync(target);
    const t = realTorrent("Artist - Album (2012) [FLAC]", {
      "01 - a.flac": "a".repeat(40_000),
      "CD2/02 - b&c.flac": "b".repeat(9_000),
    });
    writeData(target, t);
    const box = new RtorrentSeedbox({ name: "box", scgi: `${dir.path}/rpc.sock`, directory: target });
    const accepted = await box.handOff(torrentFile(t, "OPS", 4242));
    const H = t.infoHash.toUpperCase();
    expect(accepted).toEqual({ infoHash: t.infoHash, directory: `${target}/${t.name}` });
    expect(await rt.rpc.call("d.directory", H)).toBe(`${target}/${t.name}`);
    expect(await rt.rpc.call("d.custom", H, "seedwatch_queue")).toBe("OPS:4242");
    // Started as asked (d.state); rtorrent makes it active once its hash check is done,
    // which a busy machine may not have reached yet.
    expect(await rt.rpc.call("d.state", H)).toBe(1);
    // The tag reached the session directory, where seedwatch's rtorrent index reads it.
    expect(readFileSync(`${rt.session}/${H}.torrent.rtorrent`).includes("seedwatch_queue")).toBe(true);
    const done = await waitFor(async () => {
      const p = await box.progress(t.infoHash);
      return p.state === "complete" ? p : undefined;
    }, "rtorrent hash-checked the data complete");
    expect(done).toEqual({ state: "complete", path: `${target}/${t.name}` });
    await waitFor(async () => (await rt.rpc.call("d.is_active", H)) === 1, "seeding once checked");
    // Handing it off again (a retry after a crash) changes nothing and says the same.
    expect(await box.handOff(torrentFile(t, "OPS", 4242))).toEqual(accepted);
    expect(((await rt.rpc.call("download_list", "")) as string[]).length).toBe(1);
  });

  test("a torrent without its data is downloading; an unknown hash is missing", async () => {
    using dir = tempDir("ho-rt2");
    await using rt = await startRtorrent(dir.path);
    const t = realTorrent("single.bin", { "single.bin": "x".repeat(50_000) }, true);
    const box = new RtorrentSeedbox({ name: "box", scgi: `${dir.path}/rpc.sock`, directory: undefined });
    const accepted = await box.handOff(torrentFile(t));
    expect(accepted.directory).toBe(`${rt.download}/single.bin`); // rtorrent's own default directory
    const p = await waitFor(async () => {
      const q = await box.progress(t.infoHash);
      return q.state === "downloading" ? q : undefined;
    }, "checked and found empty");
    expect(p).toEqual({ state: "downloading", done: 0 });
    expect(await box.progress("0".repeat(40))).toEqual({ state: "missing" });
  });

  test("HOST:PORT reaches rtorrent over TCP (network.scgi.open_port)", async () => {
    using dir = tempDir("ho-rt5");
    await using rt = await startRtorrent(dir.path);
    // rtorrent opens one SCGI listener and the helper's is its unix socket: a loopback
    // relay to it stands in for network.scgi.open_port, byte for byte.
    const relay = Bun.listen<{ up?: Promise<import("bun").Socket<undefined>> }>({
      hostname: "127.0.0.1",
      port: 0,
      socket: {
        open(s) {
          s.data = {
            up: Bun.connect({
              unix: `${dir.path}/rpc.sock`,
              socket: { data: (_u, d) => void s.write(d), close: () => void s.end() },
            }),
          };
        },
        async data(s, d) {
          (await s.data.up!).write(d);
        },
      },
    });
    try {
      const t = realTorrent("tcp.bin", { "tcp.bin": "t".repeat(1000) }, true);
      const box = new RtorrentSeedbox({ name: "box", scgi: `127.0.0.1:${relay.port}`, directory: undefined });
      await box.handOff(torrentFile(t));
      expect(await rt.rpc.call("d.custom", t.infoHash.toUpperCase(), "seedwatch_queue")).toBe("OPS:123");
    } finally {
      relay.stop(true);
    }
  });

  test("rtorrent down or never there: retry, with the address in the reason", async () => {
    using dir = tempDir("ho-rt3");
    const rt = await startRtorrent(dir.path);
    const t = realTorrent("x.bin", { "x.bin": "x" }, true);
    const box = new RtorrentSeedbox({ name: "box", scgi: `${dir.path}/rpc.sock`, directory: undefined });
    await rt.stop();
    for (const err of [await refusal(box.handOff(torrentFile(t))), await refusal(box.progress(t.infoHash))]) {
      expect(err.disposition).toBe("retry");
      expect(err.message).toContain(`${dir.path}/rpc.sock`);
      expect(err.message.split("\n")).toHaveLength(1);
    }
    const nowhere = new RtorrentSeedbox({ name: "b", scgi: dir.join("no", "such.sock"), directory: undefined });
    expect((await refusal(nowhere.handOff(torrentFile(t)))).disposition).toBe("retry");
    const tcp = new RtorrentSeedbox({ name: "b", scgi: "127.0.0.1:9", directory: undefined });
    expect((await refusal(tcp.progress(t.infoHash))).message).toContain("127.0.0.1:9");
  });

  test("a corrupt file or one with another hash fails, and rtorrent is left alone", async () => {
    using dir = tempDir("ho-rt4");
    await using rt = await startRtorrent(dir.path);
    const t = realTorrent("x.bin", { "x.bin": "x" }, true);
    const box = new RtorrentSeedbox({ name: "box", scgi: `${dir.path}/rpc.sock`, directory: undefined });
    const cut = { ...torrentFile(t), bytes: t.bytes.subarray(0, t.bytes.length - 9) };
    const other = { ...torrentFile(t), infoHash: "ab".repeat(20) };
    for (const bad of [cut, other]) {
      const err = await refusal(box.handOff(bad));
      expect(err.disposition).toBe("fail");
      expect(err.message).toContain("OPS torrent 123");
    }
    expect(await rt.rpc.call("download_list", "")).toEqual([]);
  });
});
