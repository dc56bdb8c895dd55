// RouteTable alone: which roots it asks for, and who gets an event, as plain data.

import { describe, expect, test } from "bun:test";
import { fsEvent } from "../../../src/events/index.ts";
import { RouteTable } from "../../../src/supervisor/routes.ts";
import { makeFilter } from "../../../src/watch/index.ts";

const table = () => new RouteTable<string>(() => true);
const sees = (t: RouteTable<string>, ev: ReturnType<typeof fsEvent>) =>
  t.route(ev).map(([who, e]) => `${who} ${e.kind} ${e.root}`);

describe("RouteTable", () => {
  test("one service's nested roots: an event goes to its longest root that holds it, within depth", () => {
    const t = table();
    t.claim("rules", [{ root: "/a" }, { root: "/a/b", recursive: false }]);
    const { add } = t.diff();
    expect(add.map(([root]) => root)).toEqual(["/a"]);
    expect(sees(t, fsEvent("IN_CREATE", "/a/b/f", false, "/a"))).toEqual(["rules create /a/b"]);
    expect(sees(t, fsEvent("IN_CREATE", "/a/b/c/f", false, "/a"))).toEqual(["rules create /a"]);
    expect(sees(t, fsEvent("IN_CREATE", "/a/x", false, "/a"))).toEqual(["rules create /a"]);
  });

  test("a root served from above that is renamed away gets its own gone, once; its parent sees the move", () => {
    const t = table();
    t.claim("rules", [{ root: "/w" }]);
    t.claim("tracker", [{ root: "/w/session", recursive: false, events: ["IN_CREATE"] }]);
    const { add } = t.diff();
    expect(add[0]![1].events).toEqual(expect.arrayContaining(["IN_DELETE", "IN_MOVED_FROM"])); // to see it leave
    const moved = fsEvent("IN_MOVED_FROM", "/w/session", true, "/w", { kind: "move", to: "/w/old" });
    expect(sees(t, moved)).toEqual(["rules move /w", "tracker gone /w/session"]);
    expect(sees(t, fsEvent("IN_CREATE", "/w/session/x", false, "/w"))).toEqual(["rules create /w"]);
    expect(t.rootsOf("tracker")).toEqual([]);
  });

  test("a shared root gets no filter at the watch; each claim's own filter, and its own events, still apply", () => {
    const t = table();
    const skip = makeFilter({ exclude: ["^/w/skip"] });
    t.claim("a", [{ root: "/w", events: ["IN_CREATE"], filter: skip }]);
    expect(t.diff().add[0]![1].filter).toBe(skip); // alone: the watch applies it
    for (const [root, plan] of t.diff().add) t.setWatched(root, plan);
    t.claim("b", [{ root: "/w", events: ["IN_DELETE"] }]);
    const { add } = t.diff();
    expect(add.map(([root, plan]) => [root, plan.filter.exclude.length])).toEqual([["/w", 0]]); // re-added, wider
    for (const [root, plan] of add) t.setWatched(root, plan);
    expect(sees(t, fsEvent("IN_CREATE", "/w/skip/f", false, "/w"))).toEqual([]);
    expect(sees(t, fsEvent("IN_CREATE", "/w/f", false, "/w"))).toEqual(["a create /w"]);
    expect(sees(t, fsEvent("IN_DELETE", "/w/skip/f", false, "/w"))).toEqual(["b delete /w"]);
  });

  test("released claims give their roots back; a watch is never narrowed while others need it", () => {
    const t = table();
    t.claim("a", [{ root: "/w", events: ["IN_CREATE", "IN_DELETE"] }]);
    t.claim("b", [{ root: "/x" }]);
    for (const [root, plan] of t.diff().add) t.setWatched(root, plan);
    t.claim("c", [{ root: "/w", events: ["IN_CREATE"] }]);
    expect(t.diff()).toEqual({ remove: [], add: [] });
    t.release("a");
    t.release("b");
    expect(t.diff()).toEqual({ remove: ["/x"], add: [] });
  });

  test("a reload that keeps its excludes keeps the watch as it is (filters with the same rules are one)", () => {
    const t = table();
    t.claim("old", [{ root: "/w", filter: makeFilter({ exclude: ["^/w/skip"] }) }]);
    for (const [root, plan] of t.diff().add) t.setWatched(root, plan);
    t.claim("new", [{ root: "/w", filter: makeFilter({ exclude: ["^/w/skip"] }) }]);
    expect(t.diff()).toEqual({ remove: [], add: [] });
    t.release("old");
    expect(t.diff()).toEqual({ remove: [], add: [] });
  });
});
