import { describe, expect, test } from "bun:test";
import { ConfigError } from "../../../src/errors.ts";
import { isExcluded, isReported, makeFilter } from "../../../src/watch/filter.ts";
import { pairMove } from "../../../src/watch/moves.ts";
import { RecordQueue, type KernelRecord } from "../../../src/watch/queue.ts";
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
    expect(() => makeFilter({ include: ["("] }, { exclude: "x", include: "watch.exclude_filter" })).toThrow(
      /^watch\.exclude_filter: invalid regular expression/,
    );
  });
});

describe("WatchTree", () => {
  test("paths follow a renamed directory's whole subtree", () => {
    const t = new WatchTree<string>();
    const root = t.addRoot(1, "/r", "root");
    const a = t.addChild(2, root, "a", true);
    const b = t.addChild(3, a, "b", true);
    const c = t.addChild(4, b, "c", true);
    expect(t.path(c)).toBe("/r/a/b/c");
    const z = t.addChild(5, root, "z", true);
    t.move(a, z, "a2");
    expect(t.path(c)).toBe("/r/z/a2/b/c");
    expect(t.get(4)).toBe(c);
  });

  test("detach forgets a subtree and returns its wds", () => {
    const t = new WatchTree<string>();
    const root = t.addRoot(1, "/r", "root");
    const a = t.addChild(2, root, "a", true);
    const b = t.addChild(3, a, "b", true);
    t.addChild(undefined, b, "pending", false);
    expect(t.detach(a).sort()).toEqual([2, 3]);
    expect(t.size).toBe(1);
    expect(root.children.size).toBe(0);
    expect(a.detached && b.detached).toBe(true);
  });

  test("a directory not watched yet has a path but no watch descriptor", () => {
    const t = new WatchTree<string>();
    const root = t.addRoot(1, "/r", "root");
    const p = t.addChild(undefined, root, "new", false);
    expect(t.path(p)).toBe("/r/new");
    expect(t.size).toBe(1);
    expect(t.isWithin(p, root)).toBe(true);
    expect(t.isWithin(root, p)).toBe(false);
  });
});

describe("pairMove", () => {
  const rec = (event: KernelRecord["event"], cookie: number, name = "x", wd = 1): KernelRecord => ({
    wd,
    event,
    dir: false,
    cookie,
    name: new TextEncoder().encode(name),
  });
  const head = (q: RecordQueue) => q.peek()!;

  test("the partner already read pairs, and leaves the queue", () => {
    const q = new RecordQueue();
    q.push(rec("IN_MOVED_FROM", 7), 0);
    q.push(rec("IN_CREATE", 0, "other"), 0);
    q.push(rec("IN_MOVED_TO", 7, "y"), 0);
    const p = pairMove(head(q), q, () => true, 0);
    expect(p.kind === "paired" && p.to.text).toBe("y");
    q.shift();
    expect(head(q).text).toBe("other");
    q.shift();
    expect(q.peek()).toBeUndefined();
  });

  test("the partner still in the kernel is read before deciding", () => {
    const q = new RecordQueue();
    q.push(rec("IN_MOVED_FROM", 7), 0);
    const p = pairMove(head(q), q, () => (q.push(rec("IN_MOVED_TO", 7, "y"), 1), true), 100);
    expect(p.kind).toBe("paired");
  });

  test("no partner: wait out the window after it was read, then it was moved out", () => {
    const q = new RecordQueue();
    q.push(rec("IN_MOVED_FROM", 7), 10);
    expect(pairMove(head(q), q, () => true, 12, 25)).toEqual({ kind: "wait", until: 35 });
    expect(pairMove(head(q), q, () => true, 35, 25)).toEqual({ kind: "unpaired" });
  });

  test("an overflow queued behind it means the partner was lost: no wait", () => {
    const q = new RecordQueue();
    q.push(rec("IN_MOVED_FROM", 7), 10);
    q.push({ wd: -1, event: "IN_Q_OVERFLOW", dir: false, cookie: 0, name: new Uint8Array() }, 10);
    expect(pairMove(head(q), q, () => true, 10)).toEqual({ kind: "unpaired" });
  });
});

describe("RecordQueue.changes", () => {
  test("counts queued moves out, renames over and deletes per directory and name until handled", () => {
    const q = new RecordQueue();
    const r = (event: KernelRecord["event"], wd: number, name: string): KernelRecord => ({
      wd,
      event,
      dir: true,
      cookie: 0,
      name: new TextEncoder().encode(name),
    });
    q.push(r("IN_CREATE", 1, "a"), 0);
    q.push(r("IN_MOVED_FROM", 1, "a"), 0);
    q.push(r("IN_DELETE", 2, "a"), 0);
    q.push(r("IN_MOVED_TO", 3, "c"), 0);
    const settled: string[] = [];
    q.onSettled = (key) => settled.push(key);
    expect([q.changes(1, "a"), q.changes(2, "a"), q.changes(3, "c"), q.changes(1, "b")]).toEqual([
      "1/a",
      "2/a",
      "3/c",
      undefined,
    ]);
    q.shift();
    q.shift();
    expect([q.changes(1, "a"), q.changes(2, "a")]).toEqual([undefined, "2/a"]);
    expect(settled).toEqual(["1/a"]);
  });
});
