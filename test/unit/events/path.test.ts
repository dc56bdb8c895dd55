import { describe, expect, test } from "bun:test";
import { cPath, decodePath, encodePath, hasEscapes, joinPath } from "../../../src/events/index.ts";

describe("lossless paths", () => {
  test("valid UTF-8 decodes as usual and has no escapes", () => {
    const s = "/srv/Música/日本/🎵.flac";
    expect(decodePath(new TextEncoder().encode(s))).toBe(s);
    expect(hasEscapes(s)).toBe(false);
    expect(Buffer.from(encodePath(s)).toString()).toBe(s);
  });

  test("bytes that are not UTF-8 become U+DC80..U+DCFF and come back exactly", () => {
    const raw = Uint8Array.from([0x63, 0x61, 0x66, 0xe9, 0x2f, 0xff, 0xc3]);
    const s = decodePath(raw);
    expect(s).toBe("caf\udce9/\udcff\udcc3");
    expect(hasEscapes(s)).toBe(true);
    expect([...encodePath(s)]).toEqual([...raw]);
  });

  test("every random byte string survives the round trip", () => {
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256;
    for (let i = 0; i < 2000; i++) {
      const raw = Uint8Array.from({ length: 1 + (i % 24) }, rnd);
      expect([...encodePath(decodePath(raw))]).toEqual([...raw]);
    }
  });

  test("a real astral character whose low surrogate is in the escape range is not an escape", () => {
    const s = "\u{10080}"; // D800 DC80 in UTF-16
    expect(hasEscapes(s)).toBe(false);
    expect(decodePath(encodePath(s))).toBe(s);
  });

  test("cPath ends in one NUL; joinPath puts one slash", () => {
    expect([...cPath("/a")]).toEqual([0x2f, 0x61, 0]);
    expect(joinPath("/a", "b")).toBe("/a/b");
    expect(joinPath("/", "b")).toBe("/b");
  });
});
