// Protection: what a removal must keep, judged from the disk when it is asked.

import { describe, expect, test } from "bun:test";
import { linkSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { Protection, type Guarded } from "../../../src/rtorrent/protect.ts";
import { tempDir } from "../../helpers/tmp.ts";

const live = (hash: string, paths: string[], extra: Partial<Guarded> = {}): Guarded => ({
  hash,
  name: hash.toLowerCase(),
  paths,
  ...extra,
});

describe("Protection", () => {
  test("the same path, a hard link, a symlink to it, a chain through a folder link: kept; a stray file: not", () => {
    using dir = tempDir();
    mkdirSync(dir.join("A"));
    mkdirSync(dir.join("B"));
    mkdirSync(dir.join("C"));
    for (const f of ["same", "hard", "linked", "chained", "stray"]) writeFileSync(dir.join(`A/${f}`), f);
    linkSync(dir.join("A/hard"), dir.join("B/hard"));
    symlinkSync(dir.join("A/linked"), dir.join("B/linked"));
    symlinkSync(dir.join("A"), dir.join("alink"));
    symlinkSync(dir.join("alink/chained"), dir.join("C/chained"));
    const p = new Protection([
      live("B", [dir.join("A/same"), dir.join("B/hard"), dir.join("B/linked")]),
      live("C", [dir.join("C/chained")]),
    ]);
    expect(p.keepReason(dir.join("A/same"))).toContain("also used by B (b): the same path");
    expect(p.keepReason(dir.join("A/hard"))).toContain("also used by B (b): the same data");
    expect(p.keepReason(dir.join("A/linked"))).toContain("also used by B (b): the same data");
    expect(p.keepReason(dir.join("A/chained"))).toContain("also used by C (c)");
    expect(p.keepReason(dir.join("alink"))).toContain("runs through this symlink");
    expect(p.keepReason(dir.join("A/stray"))).toBeUndefined();
    expect(p.keepReason(dir.join("A/none"))).toBe("not on disk");
  });

  test("a symlink candidate is only a link: removing it harms no one unless a live path needs the link", () => {
    using dir = tempDir();
    mkdirSync(dir.join("data"));
    writeFileSync(dir.join("data/real"), "x");
    symlinkSync(dir.join("data/real"), dir.join("data/xseed")); // an erased cross-seed's link
    const p = new Protection([live("ORIGINAL", [dir.join("data/real")])]);
    expect(p.keepReason(dir.join("data/xseed"))).toBeUndefined();
    expect(p.keepReason(dir.join("data/real"))).toContain("the same path");
  });

  test(
    "an unreadable torrent: below its known directory (and what links there reach) " +
      "is kept; with no directory known, everything",
    () => {
      using dir = tempDir();
      mkdirSync(dir.join("dl/U"), { recursive: true });
      writeFileSync(dir.join("dl/U/a"), "");
      writeFileSync(dir.join("dl/elsewhere"), "");
      writeFileSync(dir.join("dl/free"), "");
      symlinkSync(dir.join("dl/elsewhere"), dir.join("dl/U/link"));
      const unreadable = { reason: "x.torrent: corrupt", unblock: "fix it" };
      const p = new Protection([live("U", [], { hint: { directory: dir.join("dl/U") }, unreadable })]);
      expect(p.blockAll).toBeUndefined();
      expect(p.keepReason(dir.join("dl/U/a"))).toMatch(
        /may belong to U .* cannot be read \(x\.torrent: corrupt\).*fix it/,
      );
      expect(p.keepReason(dir.join("dl/elsewhere"))).toContain("may belong to U");
      expect(p.keepReason(dir.join("dl/free"))).toBeUndefined();
      const q = new Protection([live("T", [], { hint: { tails: ["/a"] }, unreadable })]);
      expect(q.blockAll?.hash).toBe("T");
      expect(q.keepReason(dir.join("dl/free"))).toContain("nothing is known of its data");
    },
  );

  test("folders a live torrent's data lies in are not pruned, even empty", () => {
    using dir = tempDir();
    mkdirSync(dir.join("dl/Album/CD1"), { recursive: true });
    const p = new Protection([live("L", [dir.join("dl/Album/CD1/01.flac")])]);
    expect(p.folderReason(dir.join("dl/Album/CD1"))).toContain("its data lies in this folder");
    expect(p.folderReason(dir.join("dl/Album"))).toBeDefined();
    expect(p.folderReason(dir.join("dl/Other"))).toBeUndefined();
  });
});
