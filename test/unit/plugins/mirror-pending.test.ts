// The Mirror's pending paths (a tree of path elements): renames carry what is below,
// replace what stood at the target, and removals drop a whole folder in one step.

import { expect, test } from "bun:test";
import { makeExcludes } from "../../../src/plugins/mirror/exclude.ts";
import { failedAgain, PathMap, RETRY_MAX_MS } from "../../../src/plugins/mirror/pending.ts";

test("PathMap: set, rename of a folder, what stood there replaced, dropUnder", () => {
  const m = new PathMap<number>();
  for (const [p, v] of [
    ["a/x", 1],
    ["a/y/z", 2],
    ["b", 3],
    ["ab", 4],
  ] as const)
    m.set(p, v);
  expect(m.size).toBe(4);
  expect(m.rename("a", "b").sort()).toEqual(["b/x", "b/y/z"]);
  expect(m.entries().sort()).toEqual([
    ["ab", 4],
    ["b/x", 1],
    ["b/y/z", 2],
  ]);
  expect(m.size).toBe(3); // "b" itself was replaced
  expect(m.rename("nothing", "c")).toEqual([]);
  m.dropUnder("b/y");
  expect(m.entries()).toEqual([
    ["ab", 4],
    ["b/x", 1],
  ]);
  expect(m.delete("ab")).toBe(true);
  expect(m.delete("ab")).toBe(false);
  expect(m.rename("b", "b/inside")).toEqual([]); // into itself: refused, as rename(2) does
  expect(m.get("b/x")).toBe(1);
});

test("failures back off from 1 s, doubling, up to a minute", () => {
  let f = failedAgain(undefined, "sync", "ENOSPC", 0);
  expect(f).toEqual({ tries: 1, op: "sync", code: "ENOSPC", due: 1000 });
  for (let i = 0; i < 10; i++) f = failedAgain(f, "sync", "ENOSPC", 0);
  expect(f.due).toBe(RETRY_MAX_MS);
});

test("excludes: a name anywhere, a path from the top, folders only, RegExps", () => {
  const x = makeExcludes(["*.part", "/cache/", "logs/*.gz", /^tmp\d/]);
  const yes = [
    ["a/b.part", false],
    ["cache", true],
    ["cache/f", false],
    ["logs/a.gz", false],
    ["tmp1/x", false],
    ["d.part/f", false],
  ];
  const no = [
    ["cache", false],
    ["a/cache/f", false],
    ["x/logs/a.gz", false],
    ["a.partial", false],
    ["xtmp1", false],
  ];
  for (const [p, dir] of yes) expect([p, x.excludes(p as string, dir as boolean)]).toEqual([p, true]);
  for (const [p, dir] of no) expect([p, x.excludes(p as string, dir as boolean)]).toEqual([p, false]);
  expect(x.patterns).toEqual(["*.part", "/cache/", "logs/*.gz"]);
});
