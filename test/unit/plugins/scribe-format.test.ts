// Scribe's lines, pure: iObserver's sentences, one line per event whatever the name holds,
// and every name read back to its exact bytes (generated names, bounded in CI).

import { describe, expect, test } from "bun:test";
import { decodePath, encodePath, fsEvent } from "../../../src/events/index.ts";
import { escapeName, eventLine, moveLine, noteLine, unescapeName } from "../../../src/plugins/scribe/format.ts";
import { assertProperty, fc } from "../../helpers/prop.ts";

const now = new Date("2026-11-30T10:00:00.000Z");

describe("Scribe's text lines", () => {
  test("iObserver's sentences, with the time in ISO form", () => {
    const line = (name: Parameters<typeof fsEvent>[0], path: string, dir = false, extra = {}) =>
      eventLine(fsEvent(name, path, dir, "/w", extra), now, "text");
    expect(line("IN_CREATE", "/w/a/f")).toBe("2026-11-30T10:00:00.000Z scribe: /w/a: file 'f' was CREATED");
    expect(line("IN_CREATE", "/w/d", true)).toBe("2026-11-30T10:00:00.000Z scribe: /w: directory 'd' was CREATED");
    expect(line("IN_CLOSE_WRITE", "/w/f")).toEndWith("scribe: /w: file 'f' was CLOSED");
    expect(line("IN_CLOSE_NOWRITE", "/w/f")).toEndWith("file 'f' was CLOSED without being written to");
    expect(line("IN_ATTRIB", "/w/f")).toEndWith("scribe: /w: The METADATA for file 'f' was changed");
    expect(line("IN_DELETE", "/w/f")).toEndWith("file 'f' was DELETED");
    expect(line("IN_MOVED_FROM", "/w/f")).toEndWith("file 'f' just MOVED OUT");
    expect(line("IN_MOVED_TO", "/w/f")).toEndWith("file 'f' just MOVED IN");
    expect(line("IN_DELETE_SELF", "/w", true, { kind: "gone" })).toEndWith(
      "scribe: /: watched directory 'w' was itself DELETED",
    );
    expect(moveLine("/w/a", "/x/b", fsEvent("IN_MOVED_TO", "/x/b", false, "/x"), now, "text")).toBe(
      "2026-11-30T10:00:00.000Z scribe: MOVE events matched: file '/w/a' was moved to '/x/b'",
    );
    expect(noteLine("started", "/w", now, "text")).toBe("2026-11-30T10:00:00.000Z scribe: /w: WATCH STARTED");
    expect(noteLine("lost", "/w", now, "text")).toContain("scribe: /w: events were LOST");
  });

  test("json: what watch --json prints, one object per line; a rename is one object with path and to", () => {
    const ev = fsEvent("IN_CREATE", "/w/new\nline", false, "/w");
    expect(JSON.parse(eventLine(ev, now, "json")!)).toEqual({
      time: now.toISOString(),
      kind: "create",
      path: "/w/new\nline",
      events: ["IN_CREATE"],
      dir: false,
      root: "/w",
    });
    const move = fsEvent("IN_MOVED_TO", "/w/b", true, "/w", { kind: "move", from: "/w/a" });
    expect(JSON.parse(moveLine("/w/a", "/w/b", move, now, "json"))).toEqual({
      time: now.toISOString(),
      kind: "move",
      path: "/w/a",
      to: "/w/b",
      events: ["IN_MOVED_FROM", "IN_MOVED_TO"],
      dir: true,
      root: "/w",
    });
  });

  test("any name is one line, and reads back to its exact bytes (generated)", async () => {
    const names = fc.uint8Array({ minLength: 1, maxLength: 24 }).map((b) => decodePath(b.map((x) => x || 1)));
    await assertProperty(
      fc.property(names, names, (dir, name) => {
        const path = `/w/${dir.replaceAll("/", "_")}/${name.replaceAll("/", "_")}`;
        const text = eventLine(fsEvent("IN_CREATE", path, false, "/w"), now, "text")!;
        expect(text).not.toContain("\n");
        const m = /^\S+ scribe: (.*): file '((?:[^'\\]|\\.)*)' was CREATED$/s.exec(text)!;
        expect(m).not.toBeNull();
        expect(encodePath(`${unescapeName(m[1]!)}/${unescapeName(m[2]!)}`)).toEqual(encodePath(path));
        const json = eventLine(fsEvent("IN_CREATE", path, false, "/w"), now, "json")!;
        expect(json).not.toContain("\n");
        expect(encodePath(JSON.parse(json).path)).toEqual(encodePath(path));
      }),
      300,
    );
    expect(escapeName("it's\\n")).toBe("it\\'s\\\\n");
  });
});
