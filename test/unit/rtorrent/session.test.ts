import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { encodePath } from "../../../src/events/index.ts";
import { BencodeError, bdecode } from "../../../src/rtorrent/bdecode.ts";
import { readSession, SESSION_FILE, SESSION_TORRENT } from "../../../src/rtorrent/session.ts";
import { makeTorrent, writeSession } from "../../helpers/rtorrent.ts";
import { tempDir } from "../../helpers/tmp.ts";

const enc = (s: string) => new TextEncoder().encode(s);

/** What `fn` throws; fails the test when it throws nothing. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected a throw, and nothing was thrown");
}

describe("bdecode", () => {
  test("the info span is exact even when the file is not canonical", () => {
    // Keys out of order at the top and inside info (bencode wants them sorted), as some
    // torrent makers write them: the span is info's bytes as written, not a re-encoding.
    const raw = enc("d4:infod4:name1:x6:lengthi5ee8:announce3:urle");
    const d = bdecode(raw);
    expect(new TextDecoder().decode(raw.subarray(...d.info!))).toBe("d4:name1:x6:lengthi5ee");
    expect(Object.keys(d.value as object)).toEqual(["info", "announce"]);
    // the same with info last, canonical: the span moves with it
    const ok = enc("d8:announce3:url4:infod6:lengthi5e4:name1:xee");
    expect(new TextDecoder().decode(ok.subarray(...bdecode(ok).info!))).toBe("d6:lengthi5e4:name1:xe");
  });

  test("an integer with a leading zero is refused: it has no single encoding", () => {
    expect(() => bdecode(enc("d4:infod6:lengthi016384e4:name1:xee"))).toThrow(/malformed integer "016384"/);
    expect(() => bdecode(enc("i-0e"))).toThrow(/malformed integer "-0"/);
  });

  test("bad input is a BencodeError with an offset, never a wrong value", () => {
    for (const [input, msg] of [
      ["5:ab", /runs past the end/],
      ["i1ejunk", /trailing data/],
      ["", /empty/],
      ["i12", /unterminated integer/],
      ["l", /unterminated list/],
      ["d3:fooi1e", /unterminated dictionary/],
      ["x", /unexpected byte/],
    ] as const) {
      expect(() => bdecode(enc(input))).toThrow(msg);
    }
    const err = thrown(() => bdecode(enc("l4:spam5:egg")));
    expect(err).toBeInstanceOf(BencodeError);
    expect((err as BencodeError).offset).toBe(7);
  });

  test("deep nesting stops at a limit; big integers stay exact; __proto__ is just a key", () => {
    expect(() => bdecode(enc("l".repeat(100_000)))).toThrow(/nested too deeply/);
    expect(bdecode(enc("i9007199254740993e")).value).toBe(9007199254740993n);
    const d = bdecode(enc("d9:__proto__i1ee")).value as Record<string, unknown>;
    expect(Object.getPrototypeOf(d)).toBe(null);
    // biome-ignore lint/suspicious/noProto: the test is that __proto__ is an ordinary key here
    expect(d.__proto__).toBe(1);
  });
});

describe("readSession", () => {
  test("single-file: data at directory/name; tracker host; custom1", () => {
    using dir = tempDir();
    const t = makeTorrent({ name: "movie.mkv", length: 1234, announce: "https://tracker.example:443/abc/announce" });
    writeSession(dir.join("session"), t, { directory: "/srv/dl", complete: 1, custom1: "movies" });
    const r = readSession(dir.join("session"), t.hash);
    expect(r.kind).toBe("ok");
    if (r.kind !== "ok") return;
    expect(r.torrent).toMatchObject({
      hash: t.hash,
      name: "movie.mkv",
      tracker: "tracker.example",
      base: "/srv/dl",
      size: 1234,
      complete: true,
    });
    expect(r.torrent.files).toEqual([{ path: "/srv/dl/movie.mkv", size: 1234 }]);
    expect(r.torrent.custom[0]).toBe("movies");
  });

  test("multi-file: directory already holds the name; padding files skipped; ~ expanded", () => {
    using dir = tempDir();
    const t = makeTorrent({
      name: "Album",
      files: [
        { path: ["CD1", "01.flac"], length: 10 },
        { path: [".pad", "0"], length: 7, attr: "p" },
        { path: ["cover.jpg"], length: 3 },
      ],
    });
    writeSession(dir.join("s"), t, { directory: "~/dl/Album" });
    const r = readSession(dir.join("s"), t.hash);
    if (r.kind !== "ok") throw new Error(r.kind);
    const home = process.env.HOME!;
    expect(r.torrent.files.map((f) => f.path)).toEqual([`${home}/dl/Album/CD1/01.flac`, `${home}/dl/Album/cover.jpg`]);
    expect(r.torrent.size).toBe(13);
  });

  test("names that are not UTF-8 keep their bytes", () => {
    using dir = tempDir();
    const raw = Uint8Array.from([0x63, 0x61, 0x66, 0xe9]); // latin-1 "café"
    const t = makeTorrent({ name: "Dir", files: [{ path: [raw], length: 1 }] });
    writeSession(dir.join("s"), t, { directory: "/d/Dir" });
    const r = readSession(dir.join("s"), t.hash);
    if (r.kind !== "ok") throw new Error(r.kind);
    expect([...encodePath(r.torrent.files[0]!.path)]).toEqual([...enc("/d/Dir/"), ...raw]);
  });

  test("hostile path elements refuse the torrent", () => {
    using dir = tempDir();
    for (const bad of ["..", ".", "", "a/b"]) {
      const t = makeTorrent({ name: "x", files: [{ path: ["ok", bad], length: 1 }] });
      writeSession(dir.join("s"), t, { directory: "/d/x" });
      const r = readSession(dir.join("s"), t.hash);
      expect(r.kind).toBe("bad");
    }
    const nul = makeTorrent({ name: Uint8Array.from([0x61, 0, 0x62]), length: 1 });
    writeSession(dir.join("s"), nul, { directory: "/d" });
    expect(readSession(dir.join("s"), nul.hash)).toMatchObject({ kind: "bad" });
  });

  test("absent, partial (≥0.16.6 writes .torrent first), corrupt, misnamed", () => {
    using dir = tempDir();
    const t = makeTorrent({ name: "a", length: 1 });
    expect(readSession(dir.path, t.hash)).toEqual({ kind: "absent" });
    writeFileSync(dir.join(`${t.hash}.torrent`), t.bytes);
    expect(readSession(dir.path, t.hash)).toEqual({
      kind: "partial",
      missing: `${t.hash}.torrent.rtorrent`,
      hint: { tails: ["/a"] },
    });
    writeFileSync(dir.join(`${t.hash}.torrent.rtorrent`), "d9:directory");
    expect(readSession(dir.path, t.hash)).toMatchObject({ kind: "bad", reason: expect.stringContaining("at byte") });
    const other = "0".repeat(40);
    writeSession(dir.path, { ...t, hash: other }, { directory: "/d" });
    expect(readSession(dir.path, other)).toMatchObject({
      kind: "bad",
      reason: expect.stringContaining(`hashes to ${t.hash}`),
    });
  });

  test("only the names rtorrent loads count", () => {
    const h = "0123456789ABCDEF0123456789ABCDEF01234567";
    expect(SESSION_TORRENT.test(`${h}.torrent`)).toBe(true);
    expect(SESSION_TORRENT.test(`${h.toLowerCase()}.torrent`)).toBe(false);
    expect(SESSION_TORRENT.test(`x${h}.torrent`)).toBe(false);
    for (const s of [
      ".torrent",
      ".torrent.new",
      ".torrent.rtorrent.new",
      ".torrent.libtorrent_resume",
      ".complete",
      ".torrent.meta",
    ]) {
      expect(SESSION_FILE.exec(`${h}${s}`)?.[1]).toBe(h);
    }
    expect(SESSION_FILE.test("rtorrent.lock")).toBe(false);
  });
});
