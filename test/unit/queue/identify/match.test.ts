// identifyData and readTorrentFiles, pure: what fits, what breaks a tie, what is refused.

import { describe, expect, test } from "bun:test";
import { type Candidate, identifyData, readTorrentFiles } from "../../../../src/queue/identify/match.ts";
import type { Found } from "../../../../src/queue/identify/scan.ts";

let nextId = 1;
function cand(site: string, id: number, filePath: string, files: Record<string, number>): Candidate {
  return {
    filePath,
    files: Object.entries(files).map(([name, size]) => ({ name, size })),
    download: { id: nextId++, site, siteTorrentId: id, state: "handed_off", localPath: null },
  };
}
function dir(name: string, files: Record<string, number>): Found {
  return { kind: "dir", path: `/done/${name}`, name, files: new Map(Object.entries(files)) };
}

const album = { "01 - Fear & Not.flac": 100, "CD2/02.flac": 200, "cover.jpg": 5 };

describe("identifyData", () => {
  test("every file must be there with its size (distleech checked only the last)", () => {
    const c = cand("ops.example", 1, "Album", album);
    expect(identifyData(dir("Album", album), [c])).toMatchObject({ kind: "matched", candidate: c, extras: 0 });
    const v = identifyData(dir("Album", { ...album, "01 - Fear & Not.flac": 99 }), [c]);
    expect(v).toEqual({
      kind: "unmatched",
      why: 'nearest is ops.example torrent 1: "01 - Fear & Not.flac" has 99 bytes, the torrent says 100',
    });
    const { "CD2/02.flac": _, ...less } = album;
    expect(identifyData(dir("Album", less), [c])).toMatchObject({ kind: "unmatched" });
    expect(identifyData(dir("Album", { x: 1 }), [c])).toEqual({
      kind: "unmatched",
      why: "no torrent known to the queue has 1 file(s) with these names and sizes (1 checked)",
    });
  });

  test("a renamed directory is found; the name and having no extra file break ties", () => {
    const a = cand("ops.example", 1, "Album", album);
    const b = cand("red.example", 7, "Album (RED)", album);
    expect(identifyData(dir("renamed", album), [a])).toMatchObject({ kind: "matched", candidate: a });
    expect(identifyData(dir("Album (RED)", album), [a, b])).toMatchObject({ kind: "matched", candidate: b });
    const v = identifyData(dir("renamed", album), [a, b]);
    expect(v.kind).toBe("ambiguous");
    // a torrent that is a subset fits too, but the exact one wins
    const { "cover.jpg": _, ...noCover } = album;
    const sub = cand("ops.example", 2, "Album", noCover);
    expect(identifyData(dir("x", album), [sub, a])).toMatchObject({ kind: "matched", candidate: a });
    expect(identifyData(dir("x", album), [sub])).toMatchObject({ kind: "matched", candidate: sub, extras: 1 });
  });

  test("a single-file torrent matches its file (distleech never could)", () => {
    const c = cand("ops.example", 3, "", { "track.flac": 42 });
    const file: Found = { kind: "file", path: "/done/track.flac", name: "track.flac", size: 42 };
    expect(identifyData(file, [c])).toMatchObject({ kind: "matched", candidate: c });
    expect(identifyData({ ...file, size: 41 }, [c]).kind).toBe("unmatched");
    expect(identifyData({ ...file, name: "other.flac" }, [c]).kind).toBe("unmatched");
  });

  test("names compare in one Unicode form, and a name that is not UTF-8 is just another name", () => {
    const c = cand("ops.example", 4, "Björk", { "Jóga.flac": 10 });
    expect(identifyData(dir("Bjo\u0308rk", { "Jo\u0301ga.flac": 10 }), [c])).toMatchObject({ kind: "matched" });
    expect(identifyData(dir("\udcff", { "J\udcf3ga.flac": 10 }), [c]).kind).toBe("unmatched");
  });
});

describe("readTorrentFiles", () => {
  const detail = { group: { id: 1 }, torrent: { id: 5, filePath: "A & B", files: [{ name: "x & y.flac", size: 3 }] } };
  test("the forms a cached torrent page comes in", () => {
    expect(readTorrentFiles(detail)).toEqual({ filePath: "A & B", files: [{ name: "x & y.flac", size: 3 }] });
    expect(readTorrentFiles({ value: detail, fetchedAt: 1 })).toEqual(readTorrentFiles(detail));
    const raw = {
      group: {},
      torrent: { filePath: "A &amp; B", fileList: "x &amp; y.flac{{{3}}}|||CD2/z&#39;s.flac{{{4}}}" },
    };
    const want = {
      filePath: "A & B",
      files: [
        { name: "x & y.flac", size: 3 },
        { name: "CD2/z's.flac", size: 4 },
      ],
    };
    expect(readTorrentFiles(raw)).toEqual(want);
    expect(readTorrentFiles({ status: "success", response: raw })).toEqual(want);
  });

  test("anything else has no file list", () => {
    for (const junk of [
      null,
      3,
      "x",
      {},
      { torrent: {} },
      { torrent: { fileList: "no sizes" } },
      { torrent: { files: [{ name: 1 }] } },
    ])
      expect(readTorrentFiles(junk)).toBeUndefined();
  });
});
