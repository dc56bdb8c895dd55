import { describe, expect, test } from "bun:test";
import { IN_CREATE, IN_ISDIR, IN_MOVED_FROM, IN_Q_OVERFLOW, parseEvents } from "../../../native/index.ts";

/** Build one struct inotify_event: name NUL-padded to `len` bytes. */
function event(
  wd: number,
  mask: number,
  cookie: number,
  name = "",
  len = name ? Math.ceil((name.length + 1) / 16) * 16 : 0,
): Uint8Array {
  const buf = new Uint8Array(16 + len);
  const v = new DataView(buf.buffer);
  v.setInt32(0, wd, true);
  v.setUint32(4, mask, true);
  v.setUint32(8, cookie, true);
  v.setUint32(12, len, true);
  buf.set(new TextEncoder().encode(name), 16);
  return buf;
}

const cat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

describe("parseEvents", () => {
  test("several events, names without their NUL padding", () => {
    const bytes = cat(
      event(1, IN_CREATE, 0, "a.txt"),
      event(2, IN_CREATE | IN_ISDIR, 0, "a-longer-directory-name"),
      event(1, IN_MOVED_FROM, 77, "x"),
    );
    const { records, consumed } = parseEvents(bytes);
    expect(consumed).toBe(bytes.length);
    expect(records.map((r) => [r.wd, r.mask, r.cookie, new TextDecoder().decode(r.name)])).toEqual([
      [1, IN_CREATE, 0, "a.txt"],
      [2, IN_CREATE | IN_ISDIR, 0, "a-longer-directory-name"],
      [1, IN_MOVED_FROM, 77, "x"],
    ]);
  });

  test("IN_Q_OVERFLOW: wd -1, no name", () => {
    const { records } = parseEvents(event(-1, IN_Q_OVERFLOW, 0));
    expect(records).toEqual([{ wd: -1, mask: IN_Q_OVERFLOW, cookie: 0, name: new Uint8Array(0) }]);
  });

  test("a truncated tail is left unread", () => {
    const whole = event(3, IN_CREATE, 0, "whole");
    const cut = event(4, IN_CREATE, 0, "cut-off-name");
    const bytes = cat(whole, cut);
    for (const n of [whole.length + 5, whole.length + 16, bytes.length - 1]) {
      const { records, consumed } = parseEvents(bytes, n);
      expect(records.length).toBe(1);
      expect(consumed).toBe(whole.length);
    }
  });

  test("names are copied: the caller may reuse its buffer", () => {
    const bytes = event(1, IN_CREATE, 0, "keep");
    const { records } = parseEvents(bytes);
    bytes.fill(0);
    expect(new TextDecoder().decode(records[0]!.name)).toBe("keep");
  });

  test("raw name bytes that are not UTF-8 come through untouched", () => {
    const bytes = event(1, IN_CREATE, 0, "", 16);
    bytes.set([0x66, 0xff, 0xfe], 16);
    expect([...parseEvents(bytes).records[0]!.name]).toEqual([0x66, 0xff, 0xfe]);
  });

  test("an empty buffer and a buffer on an offset", () => {
    expect(parseEvents(new Uint8Array(0)).records).toEqual([]);
    const inner = event(9, IN_CREATE, 0, "z");
    const outer = cat(new Uint8Array(8), inner);
    expect(parseEvents(outer.subarray(8)).records[0]!.wd).toBe(9);
  });
});
