// fs/move.ts: copy and move by exact bytes, the one EXDEV fallback that FileManagerRule
// and the remover's trash share.

import { describe, expect, test } from "bun:test";
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { moveWithin } from "../../../src/fs/confined.ts";
import { copyEntry } from "../../../src/fs/move.ts";
import { tempDir } from "../../helpers/tmp.ts";

describe("copyEntry", () => {
  test(
    "an existing destination: EEXIST without overwrite; " + "with it, a symlink there is replaced, not written through",
    () => {
      using dir = tempDir("move");
      writeFileSync(dir.join("src"), "new");
      writeFileSync(dir.join("target"), "keep me");
      symlinkSync(dir.join("target"), dir.join("dst"));
      expect(() => copyEntry(dir.join("src"), dir.join("dst"), { overwrite: false })).toThrow(/EEXIST/);
      copyEntry(dir.join("src"), dir.join("dst"), { overwrite: true });
      expect(lstatSync(dir.join("dst")).isSymbolicLink()).toBe(false);
      expect(readFileSync(dir.join("dst"), "utf8")).toBe("new");
      expect(readFileSync(dir.join("target"), "utf8")).toBe("keep me");
    },
  );

  test("a symlink is copied as itself, a file keeps its mode and times", () => {
    using dir = tempDir("move");
    writeFileSync(dir.join("f"), "x", { mode: 0o604 });
    utimesSync(dir.join("f"), 1_000_000, 2_000_000);
    symlinkSync("does/not/exist", dir.join("l"));
    copyEntry(dir.join("f"), dir.join("f2"), { overwrite: false });
    copyEntry(dir.join("l"), dir.join("l2"), { overwrite: false });
    expect(statSync(dir.join("f2")).mode & 0o777).toBe(0o604);
    expect(statSync(dir.join("f2")).mtimeMs).toBe(2_000_000_000);
    expect(readlinkSync(dir.join("l2"))).toBe("does/not/exist");
  });
});

test("the remover's trash on another filesystem: a name that is not UTF-8 arrives as itself", () => {
  using dir = tempDir("move");
  if (!existsSync("/dev/shm") || statSync("/dev/shm").dev === statSync(dir.path).dev) return; // one filesystem only
  const trash = mkdtempSync("/dev/shm/trash-");
  try {
    const raw = Buffer.concat([Buffer.from(dir.join("caf")), Buffer.from([0xe9])]);
    writeFileSync(raw, "data");
    const lossless = `${dir.join("caf")}\uDCE9`;
    const acted = moveWithin(lossless, `${trash}/caf\uDCE9`, [dir.path]);
    expect(acted.ok).toBe(true);
    expect(readFileSync(Buffer.concat([Buffer.from(`${trash}/caf`), Buffer.from([0xe9])]), "utf8")).toBe("data");
    expect(existsSync(raw)).toBe(false);
  } finally {
    rmSync(trash, { recursive: true, force: true });
  }
});
