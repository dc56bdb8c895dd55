import { describe, expect, test } from "bun:test";
import { checkMetainfo, openSeedbox, torrentFileName } from "../../../../src/queue/handoff/index.ts";
import { HandOffError } from "../../../../src/queue/handoff/types.ts";
import { makeTorrent } from "../../../helpers/rtorrent.ts";

const t = makeTorrent({ name: "Album", files: [{ path: ["01.flac"], length: 5 }] });
const file = { bytes: t.bytes, infoHash: t.hash.toLowerCase(), site: "OPS", siteTorrentId: 12 };

describe("hand-off names and checks", () => {
  test("the file name keeps nothing that could name a path", () => {
    for (const [site, want] of [
      ["OPS", "OPS"],
      ["../..", "site"],
      ["a/../b", "a_b"],
      [".hidden", "hidden"],
      ["rêd tracker", "r_d_tracker"],
    ] as const)
      expect(torrentFileName({ ...file, site })).toBe(`${want}-12-${t.hash.slice(0, 8).toLowerCase()}.torrent`);
  });

  test("the info hash is checked, in either case; a mismatch or broken bencode fails", () => {
    expect(checkMetainfo(file)).toEqual({ infoHash: t.hash, name: "Album", multiFile: true });
    expect(checkMetainfo({ ...file, infoHash: t.hash }).infoHash).toBe(t.hash);
    for (const bad of [
      { ...file, infoHash: "0".repeat(40) },
      { ...file, bytes: t.bytes.subarray(1) },
    ]) {
      let err: unknown;
      try {
        checkMetainfo(bad);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(HandOffError);
      expect((err as HandOffError).disposition).toBe("fail");
    }
  });

  test("openSeedbox picks the kind from the config", () => {
    expect(openSeedbox({ name: "a", kind: "rtorrent", scgi: "127.0.0.1:5000", directory: undefined }).kind).toBe(
      "rtorrent",
    );
    expect(
      openSeedbox({
        name: "b",
        kind: "transmission",
        url: "http://h:9091",
        username: undefined,
        password: undefined,
        directory: "/d",
      }).kind,
    ).toBe("transmission");
    expect(openSeedbox({ name: "c", kind: "watch", watch_dir: "/w" }).name).toBe("c");
  });
});
