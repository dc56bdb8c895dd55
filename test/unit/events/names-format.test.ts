import { describe, expect, test } from "bun:test";
import { ConfigError } from "../../../src/errors.ts";
import {
  CHANGE_EVENTS,
  compileFormat,
  eventJson,
  fsEvent,
  parseEventNames,
  strftime,
} from "../../../src/events/index.ts";

describe("parseEventNames", () => {
  test("inotifywait names, IN_* names and groups", () => {
    expect(parseEventNames("close_write,IN_MOVED_TO")).toEqual(["IN_CLOSE_WRITE", "IN_MOVED_TO"]);
    expect(parseEventNames(["move", "close"]).sort()).toEqual([
      "IN_CLOSE_NOWRITE",
      "IN_CLOSE_WRITE",
      "IN_MOVED_FROM",
      "IN_MOVED_TO",
    ]);
    expect(parseEventNames("all")).toContain("IN_ACCESS");
    expect(parseEventNames("changes")).toEqual([...CHANGE_EVENTS]);
  });

  test("pyinotifyd's IN_WRITE_CLOSE is refused with a suggestion", () => {
    const err = (() => {
      try {
        parseEventNames("IN_WRITE_CLOSE", "event_map");
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.message).toBe('event_map: unknown event name "IN_WRITE_CLOSE"');
    expect(err!.hint).toContain("did you mean IN_CLOSE_WRITE?");
  });
});

describe("formats", () => {
  const when = new Date(2026, 10, 21, 9, 5, 7);
  const ev = fsEvent("IN_CREATE", "/srv/in/sub/f.mkv", false, "/srv/in");

  test("inotifywait directives", () => {
    expect(compileFormat("%w %e %f")(ev, when)).toBe("/srv/in/sub/ CREATE f.mkv");
    expect(compileFormat("%w%f|%:e|%%|%T", "%F %T")(ev, when)).toBe("/srv/in/sub/f.mkv|CREATE|%|2026-11-21 09:05:07");
    const dir = fsEvent("IN_CREATE", "/srv/in/d", true, "/srv/in");
    expect(compileFormat("%e %Xe")(dir, when)).toBe("CREATE,ISDIR CREATEXISDIR");
  });

  test("our directives: path, kind, move source; an event on the root itself", () => {
    const moved = fsEvent("IN_MOVED_TO", "/srv/in/b", false, "/srv/in", { kind: "move", from: "/srv/in/a" });
    expect(compileFormat("%p %k %o")(moved, when)).toBe("/srv/in/b move /srv/in/a");
    const gone = fsEvent("IN_DELETE_SELF", "/srv/in", true, "/srv/in", { kind: "gone" });
    expect(compileFormat("[%w][%f]")(gone, when)).toBe("[/srv/in/][]");
  });

  test("JSON carries IN_* names, dir, root and from/to only when set", () => {
    const o = JSON.parse(eventJson(ev, when));
    expect(o).toEqual({
      time: when.toISOString(),
      kind: "create",
      path: ev.path,
      events: ["IN_CREATE"],
      dir: false,
      root: "/srv/in",
    });
  });

  test("strftime", () => {
    expect(strftime("%Y-%m-%d %H:%M:%S %j %%", when)).toBe("2026-11-21 09:05:07 325 %");
    expect(strftime("%s", when)).toBe(String(Math.floor(when.getTime() / 1000)));
  });
});
