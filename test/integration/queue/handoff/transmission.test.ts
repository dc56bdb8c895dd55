// The Transmission hand-off against a real transmission-daemon 3.00 from Debian on
// loopback, with basic auth on. .ci/test installs the package; without it these are skipped.

import { describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { TransmissionSeedbox } from "../../../../src/queue/handoff/transmission.ts";
import { HandOffError } from "../../../../src/queue/handoff/types.ts";
import { tempDir } from "../../../helpers/tmp.ts";
import {
  freePort,
  HAVE_TRANSMISSION,
  NO_TRANSMISSION_REASON,
  startTransmission,
} from "../../../helpers/transmissiond.ts";
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

if (!HAVE_TRANSMISSION) test.skip(`transmission hand-off: ${NO_TRANSMISSION_REASON}`, () => {});

describe.skipIf(!HAVE_TRANSMISSION)("transmission hand-off, real transmission-daemon", () => {
  test(
    "added started in the seedbox's directory; " + "complete once the data checks out; a second add is accepted",
    async () => {
      using dir = tempDir("ho-tr");
      await using td = await startTransmission(dir.path);
      const target = dir.join('music, "the" best; één');
      mkdirSync(target);
      const t = realTorrent("Artist - Album (2012) [FLAC]", {
        "01 - a.flac": "a".repeat(40_000),
        "CD2/02 - b&c.flac": "b".repeat(9_000),
      });
      writeData(target, t);
      const box = new TransmissionSeedbox({
        name: "box",
        url: td.url.replace("/transmission/rpc", ""), // a bare host:port gets the RPC path
        username: td.username,
        password: td.password,
        directory: target,
      });
      const accepted = await box.handOff(torrentFile(t));
      expect(accepted).toEqual({ infoHash: t.infoHash, directory: `${target}/${t.name}` });
      const [row] = (await td.rpc("torrent-get", { ids: [t.infoHash], fields: ["downloadDir", "status"] }))
        .torrents as {
        downloadDir: string;
        status: number;
      }[];
      expect(row!.downloadDir).toBe(target);
      expect(row!.status).not.toBe(0); // not paused
      const done = await waitFor(async () => {
        const p = await box.progress(t.infoHash);
        return p.state === "complete" ? p : undefined;
      }, "transmission checked the data complete");
      expect(done).toEqual({ state: "complete", path: `${target}/${t.name}` });
      expect(await box.handOff(torrentFile(t))).toEqual(accepted);
      expect(((await td.rpc("torrent-get", { fields: ["id"] })).torrents as unknown[]).length).toBe(1);
      expect(await box.progress("0".repeat(40))).toEqual({ state: "missing" });
    },
  );

  test("without its data it is downloading, in the daemon's own directory when none is set", async () => {
    using dir = tempDir("ho-tr2");
    await using td = await startTransmission(dir.path);
    const t = realTorrent("single.bin", { "single.bin": "x".repeat(50_000) }, true);
    const box = new TransmissionSeedbox({
      name: "box",
      url: td.url,
      username: td.username,
      password: td.password,
      directory: undefined,
    });
    expect((await box.handOff(torrentFile(t))).directory).toBe(`${td.download}/single.bin`);
    expect(await box.progress(t.infoHash)).toEqual({ state: "downloading", done: 0 });
  });

  test("daemon down, wrong password, not Transmission: retry with a reason and a hint", async () => {
    using dir = tempDir("ho-tr3");
    const td = await startTransmission(dir.path);
    const t = realTorrent("x.bin", { "x.bin": "x" }, true);
    const wrong = new TransmissionSeedbox({
      name: "box",
      url: td.url,
      username: td.username,
      password: "nope",
      directory: undefined,
    });
    const e401 = await refusal(wrong.handOff(torrentFile(t)));
    expect(e401.disposition).toBe("retry");
    expect(e401.message).toContain("401");
    expect(e401.message).not.toContain("nope");
    const box = new TransmissionSeedbox({
      name: "box",
      url: td.url,
      username: td.username,
      password: td.password,
      directory: undefined,
    });
    await td.stop();
    for (const err of [await refusal(box.handOff(torrentFile(t))), await refusal(box.progress(t.infoHash))]) {
      expect(err.disposition).toBe("retry");
      expect(err.message).toContain(td.url);
      expect(err.message.split("\n")).toHaveLength(1);
    }
    await using other = Bun.serve({
      hostname: "127.0.0.1",
      port: freePort(),
      fetch: () => new Response("<html>", { status: 404 }),
    });
    const notRpc = new TransmissionSeedbox({
      name: "b",
      url: other.url.href,
      username: undefined,
      password: undefined,
      directory: undefined,
    });
    expect((await refusal(notRpc.progress(t.infoHash))).message).toContain("HTTP 404");
  });

  test("a corrupt file fails: ours caught before the daemon, and the daemon's own refusal too", async () => {
    using dir = tempDir("ho-tr4");
    await using td = await startTransmission(dir.path);
    const box = new TransmissionSeedbox({
      name: "box",
      url: td.url,
      username: td.username,
      password: td.password,
      directory: undefined,
    });
    const t = realTorrent("x.bin", { "x.bin": "x" }, true);
    const cut = { ...torrentFile(t), bytes: t.bytes.subarray(0, t.bytes.length - 9) };
    expect((await refusal(box.handOff(cut))).disposition).toBe("fail");
    // Valid bencode with the right hash, but no pieces: only the daemon can tell.
    const bencode = (await import("bencode")).default;
    const info = { name: "y.bin", length: 5, "piece length": 16384, pieces: new Uint8Array(0) };
    const infoHash = new Bun.CryptoHasher("sha1").update(bencode.encode(info)).digest("hex");
    const hollow = { bytes: bencode.encode({ info }), infoHash, site: "RED", siteTorrentId: 9 };
    const err = await refusal(box.handOff(hollow));
    expect(err.disposition).toBe("fail");
    expect(err.message).toContain("RED torrent 9");
    expect((await td.rpc("torrent-get", { fields: ["id"] })).torrents).toEqual([]);
  });
});
