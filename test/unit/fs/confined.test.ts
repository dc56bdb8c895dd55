// fs/confined.ts: deleting only where allowed, decided on resolved paths at the moment of
// acting, and never through a folder swapped for a symlink meanwhile.

import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import { decodePath } from "../../../src/events/index.ts";
import { linksOnPath, moveWithin, rmdirWithin, unlinkWithin } from "../../../src/fs/confined.ts";
import { tempDir } from "../../helpers/tmp.ts";

describe("unlinkWithin", () => {
  test(
    "deletes inside a root, by bytes; refuses the root itself, " +
      "a directory, '..' and a symlinked folder leading out",
    () => {
      using dir = tempDir();
      const root = dir.join("root");
      mkdirSync(`${root}/in`, { recursive: true });
      mkdirSync(dir.join("out"));
      const raw = decodePath(Buffer.concat([Buffer.from(`${root}/in/caf`), Buffer.from([0xe9])]));
      writeFileSync(Buffer.concat([Buffer.from(`${root}/in/caf`), Buffer.from([0xe9])]), "x");
      expect(unlinkWithin(raw, [root])).toMatchObject({ ok: true });
      expect(existsSync(Buffer.concat([Buffer.from(`${root}/in/caf`), Buffer.from([0xe9])]))).toBe(false);
      writeFileSync(dir.join("out/victim"), "precious");
      symlinkSync(dir.join("out"), `${root}/link`);
      expect(unlinkWithin(`${root}/link/victim`, [root])).toMatchObject({
        ok: false,
        reason: expect.stringContaining("outside"),
      });
      expect(unlinkWithin(`${root}/in/../../out/victim`, [root])).toMatchObject({ ok: false });
      expect(unlinkWithin(`${root}/in`, [root])).toMatchObject({ ok: false, reason: "a directory, not a file" });
      expect(unlinkWithin(root, [root])).toMatchObject({ ok: false });
      expect(existsSync(dir.join("out/victim"))).toBe(true);
    },
  );

  test(
    "a folder swapped for a symlink to the outside while deleting " +
      "never leads out (2,000 tries against a swapping process)",
    async () => {
      using dir = tempDir();
      const root = dir.join("root");
      mkdirSync(`${root}/real`, { recursive: true });
      mkdirSync(dir.join("out"));
      writeFileSync(dir.join("out/victim"), "precious");
      symlinkSync(dir.join("out"), `${root}/evil`);
      // Another process swaps root/d between the real folder and the symlink, atomically.
      const swapper = Bun.spawn(
        [
          "bash",
          "-c",
          `cd ${root} && mv real d && ` +
            "while true; do mv -T d real && mv -T evil d && mv -T d evil && mv -T real d; done",
        ],
        { stderr: "ignore" },
      );
      let deleted = 0;
      try {
        for (let i = 0; i < 2000; i++) {
          try {
            writeFileSync(`${root}/d/victim`, "mine", { flag: "wx" }); // never over out/victim, which exists
          } catch {}
          if (unlinkWithin(`${root}/d/victim`, [root]).ok) deleted++;
          if (!existsSync(dir.join("out/victim"))) break;
          if (i % 100 === 0) await Bun.sleep(0); // let the swapper run (yield, not a wait for time)
        }
      } finally {
        swapper.kill();
        await swapper.exited;
      }
      expect(existsSync(dir.join("out/victim"))).toBe(true);
      expect(deleted).toBeGreaterThan(0);
    },
  );

  test("moveWithin moves into a trash folder, making its folders; rmdirWithin removes an empty folder", () => {
    using dir = tempDir();
    const root = dir.join("root");
    mkdirSync(`${root}/a/b`, { recursive: true });
    writeFileSync(`${root}/a/b/f`, "x");
    expect(moveWithin(`${root}/a/b/f`, dir.join("trash/a/b/f"), [root]).ok).toBe(true);
    expect(existsSync(dir.join("trash/a/b/f"))).toBe(true);
    expect(rmdirWithin(`${root}/a/b`, [root]).ok).toBe(true);
    expect(rmdirWithin(root, [root]).ok).toBe(false);
  });
});

describe("linksOnPath", () => {
  test("names every symlink a path resolves through, folders and the last element", () => {
    using dir = tempDir();
    mkdirSync(dir.join("real/sub"), { recursive: true });
    writeFileSync(dir.join("real/sub/f"), "");
    symlinkSync(dir.join("real"), dir.join("dlink"));
    symlinkSync("sub/f", dir.join("real/flink"));
    expect(linksOnPath(dir.join("dlink/flink"))).toEqual([dir.join("dlink"), dir.join("real/flink")]);
    expect(linksOnPath(dir.join("real/sub/f"))).toEqual([]);
    renameSync(dir.join("real"), dir.join("gone"));
    expect(linksOnPath(dir.join("dlink/x"))).toEqual([dir.join("dlink")]);
  });
});
