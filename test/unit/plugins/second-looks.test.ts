// SecondLooks: the Mirror's paths to look at again follow renames, are given once each,
// and forget (asking for a whole comparison) beyond their bound.

import { describe, expect, test } from "bun:test";
import { CHECK_WALK_MS, MISSED_MAX, SecondLooks } from "../../../src/plugins/mirror/second-looks.ts";

describe("SecondLooks", () => {
  test("a missed path follows the rename of a folder above it and is redone there, once", () => {
    const l = new SecondLooks();
    l.missing("a/b/f");
    l.missing("x/g");
    expect(l.renamed("a", "c", true, false)).toEqual({ whole: false, redo: ["c/b/f"], settle: [] });
    expect(l.renamed("c", "d", true, false).redo).toEqual([]); // done: not again
    expect(l.recentlyMissed()).toEqual(["x/g"]); // a/b/f was redone by the rename
    expect(l.recentlyMissed()).toEqual([]); // each given once
  });

  test("a second look that finds the path gone again keeps it for a rename, not for another look", () => {
    const l = new SecondLooks();
    l.missing("a/f");
    expect(l.recentlyMissed()).toEqual(["a/f"]);
    l.missing("a/f", true);
    expect(l.recentlyMissed()).toEqual([]);
    expect(l.renamed("a", "b", true, false).redo).toEqual(["b/f"]);
  });

  test("folders to settle follow renames; a reused name or too many missed paths ask for the folder whole", () => {
    const l = new SecondLooks();
    l.elsewhere(["a/b", "a"]);
    expect(l.renamed("a", "z", true, true)).toEqual({ whole: true, redo: [], settle: ["z", "z/b"] });
    for (let i = 0; i <= MISSED_MAX; i++) l.missing(`m/${i}`);
    expect(l.renamed("f1", "f2", false, false).whole).toBe(false); // a file rename does not use it up
    expect(l.renamed("q", "r", true, false).whole).toBe(true);
    expect(l.renamed("s", "t", true, false).whole).toBe(false); // once
  });

  test("walked folders are due once, after CHECK_WALK_MS, outermost only, where renames put them", () => {
    const l = new SecondLooks();
    l.walkedAt("", 0); // the top: compared by the start's walk and after a rescan only
    l.walkedAt("in", 0);
    l.walkedAt("in/sub", 10);
    l.walkedAt("other", 500);
    expect(l.nextDue()).toBe(CHECK_WALK_MS);
    expect(l.dueWalks(CHECK_WALK_MS - 1)).toEqual([]);
    l.renamed("in", "moved", true, false);
    expect(l.dueWalks(CHECK_WALK_MS + 10)).toEqual(["moved"]);
    expect(l.dueWalks(CHECK_WALK_MS + 500)).toEqual(["other"]);
    expect(l.dueWalks(10 * CHECK_WALK_MS)).toEqual([]);
    expect(l.nextDue()).toBeUndefined();
  });
});
