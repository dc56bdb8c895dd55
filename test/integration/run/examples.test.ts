// The examples in examples/ (pyinotifyd's README in TypeScript): they type-check against
// the types `seedwatch init` writes, pass --check, and the move/copy/delete one works.

import { describe, expect, test } from "bun:test";
import {
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { Running, runBin } from "../../helpers/bin.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { waitFor } from "../../helpers/wait.ts";

const EXAMPLES = join(import.meta.dir, "../../../examples");
const files = readdirSync(EXAMPLES).filter((f) => f.endsWith(".ts"));

describe("examples/", () => {
  test("type-check against seedwatch.d.ts as written by seedwatch init", () => {
    using dir = tempDir("ex");
    expect(runBin(["init", dir.path]).code).toBe(0);
    for (const f of files) cpSync(join(EXAMPLES, f), dir.join(f));
    const tsc = Bun.spawnSync([join(import.meta.dir, "../../../node_modules/.bin/tsc"), "-p", dir.path], {
      stdout: "pipe",
    });
    expect(tsc.stdout.toString()).toBe("");
  }, 180_000); // tsc: 2–3 s alone, 13 s and more beside CPU hogs

  for (const f of files) {
    test(`${f} passes --check (with SRC a directory that exists: --check checks it)`, () => {
      using dir = tempDir("ex");
      mkdirSync(dir.join("src"));
      const r = runBin(["run", "--check", join(EXAMPLES, f)], { env: { SRC: dir.join("src"), DST: dir.join("dst") } });
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`watch ${dir.join("src")}`);
    });
  }

  test("move-copy-delete.ts moves, copies and deletes, and Cancel spares a file still changing", async () => {
    using dir = tempDir("ex");
    const src = dir.join("src");
    const dst = dir.join("dst");
    mkdirSync(src);
    // DELAY: the window in which a write must reach seedwatch to cancel the task its
    // file's creation scheduled; 1 s leaves room for a loaded machine.
    await using w = new Running(["run", join(EXAMPLES, "move-copy-delete.ts")], {
      env: { SRC: src, DST: dst, DELAY: "1" },
    });
    await w.waitStderr(/running /, "running");
    // A file still being written: created (a task is scheduled), then written (IN_MODIFY:
    // Cancel), and held open. Nothing may happen to it until it is closed.
    const changing = `${src}/d.tmp.to_delete`;
    const fd = openSync(changing, "w");
    try {
      writeSync(fd, "still writing");
      mkdirSync(`${src}/album`);
      writeFileSync(`${src}/album/a.flac.to_move`, "m");
      writeFileSync(`${src}/b.txt.to_copy`, "c");
      writeFileSync(`${src}/c.tmp.to_delete`, "d");
      await waitFor(
        () => existsSync(`${dst}/album/a.flac`) && existsSync(`${dst}/b.txt`) && !existsSync(`${src}/c.tmp.to_delete`),
        "all three done",
      );
      expect(existsSync(`${src}/album/a.flac.to_move`)).toBe(false);
      expect(existsSync(`${src}/b.txt.to_copy`)).toBe(true);
      expect(statSync(`${dst}/b.txt`).mode & 0o777).toBe(0o644); // filemode applied
      // The barrier: c's task was scheduled after the changing file's, with the same delay,
      // and has run; the changing file's would have run before it.
      await w.waitStderr(new RegExp(`scheduled task cancelled, mask=IN_MODIFY, path=${changing}`), "cancelled");
      expect(existsSync(changing)).toBe(true);
    } finally {
      closeSync(fd);
    }
    // Closed, it is written (IN_CLOSE_WRITE): now its task runs.
    await waitFor(() => !existsSync(changing), "the file deleted once closed");
  });
});
