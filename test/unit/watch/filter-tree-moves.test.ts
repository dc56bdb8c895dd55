import { describe, expect, test } from "bun:test";
import { ConfigError } from "../../../src/errors.ts";
import { isExcluded, isReported, makeFilter } from "../../../src/watch/filter.ts";
import { MovePairer } from "../../../src/watch/moves.ts";
import { WatchTree } from "../../../src/watch/tree.ts";

describe("filters", () => {
  test("regexes search the full path; globs without / match the last element", () => {
    const f = makeFilter({ exclude: ["/\\.git$"], excludeGlob: ["*.part"] });
    expect(isExcluded(f, "/srv/repo/.git")).toBe(true);
    expect(isExcluded(f, "/srv/repo/.github")).toBe(false);
    expect(isExcluded(f, "/srv/dl/movie.mkv.part")).toBe(true);
    expect(isExcluded(f, "/srv/dl/part/movie.mkv")).toBe(false);
  });

  test("a glob with / matches the whole path", () => {
    const f = makeFilter({ excludeGlob: ["/srv/*/tmp"] });
    expect(isExcluded(f, "/srv/a/tmp")).toBe(true);
    expect(isExcluded(f, "/srv/a/b/tmp")).toBe(false);
  });

  test("include narrows what is reported; exclude wins", () => {
    const f = makeFilter({ include: ["\\.flac$"], exclude: ["/scratch/"] });
    expect(isReported(f, "/m/a.flac")).toBe(true);
    expect(isReported(f, "/m/a.mp3")).toBe(false);
    expect(isReported(f, "/m/scratch/a.flac")).toBe(false);
  });

  test("an invalid regex is a ConfigError naming the option", () => {
    expect(() => makeFilter({ exclude: ["[a-"] })).toThrow(ConfigError);
    expect(() => makeFilter({ include: ["("] }, { exclude: "x", include: "watch.exclude_filter" })).toThrow(/^watch\.exclude_filter: invalid regular expression/);
  });
});

describe("WatchTree", () => {
  test("paths follow a renamed directory's whole subtree", () => {
    const t = new WatchTree<string>();
    const root = t.addRoot(1, "/r", "root");
    const a = t.addChild(2, root, "a");
    const b = t.addChild(3, a, "b");
    const c = t.addChild(4, b, "c");
    expect(t.path(c)).toBe("/r/a/b/c");
    const z = t.addChild(5, root, "z");
    t.move(a, z, "a2");
    expect(t.path(c)).toBe("/r/z/a2/b/c");
    expect(t.get(4)).toBe(c);
  });

  test("detach forgets a subtree and returns its wds", () => {
    const t = new WatchTree<string>();
    const root = t.addRoot(1, "/r", "root");
    const a = t.addChild(2, root, "a");
    t.addChild(3, a, "b");
    expect(t.detach(a).sort()).toEqual([2, 3]);
    expect(t.size).toBe(1);
    expect(root.children.size).toBe(0);
  });
});

describe("MovePairer", () => {
  test("a partner within the window pairs; without one, the item is moved out", async () => {
    const out: string[] = [];
    let unpaired!: () => void;
    const done = new Promise<void>((r) => (unpaired = r));
    const p = new MovePairer<string>((item) => {
      out.push(item);
      unpaired();
    }, 5);
    p.hold(1, "paired");
    p.hold(2, "lonely");
    expect(p.take(1)).toBe("paired");
    expect(p.take(1)).toBeUndefined();
    p.settle();
    await done;
    expect(out).toEqual(["lonely"]);
  });

  test("flush gives up on everything at once", () => {
    const out: string[] = [];
    const p = new MovePairer<string>((i) => out.push(i), 10_000);
    p.hold(1, "a");
    p.hold(2, "b");
    p.flush();
    expect(out).toEqual(["a", "b"]);
  });
});
