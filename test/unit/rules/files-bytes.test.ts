// FileManagerRule on names that are not UTF-8. Event paths are lossless strings (bytes
// that are not UTF-8 ride as U+DC80..U+DCFF escapes, events/path.ts); the rule must act
// on exactly those bytes, also across filesystems and when it sets modes below a folder.

import { describe, expect, test } from "bun:test";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { decodePath } from "../../../src/events/path.ts";
import { fsEvent } from "../../../src/events/index.ts";
import { FileManagerRule, FileManagerScheduler } from "../../../src/rules/files.ts";
import { FakeClock, settle } from "../../fakes/clock.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { waitFor } from "../../helpers/wait.ts";

/** A path's exact bytes: text parts as UTF-8, numbers as raw bytes. */
const bytes = (...parts: (string | number)[]) =>
  Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p) : Buffer.from([p]))));
const names = (dir: Buffer | string) =>
  readdirSync(dir, { encoding: "buffer" })
    .map((n) => n.toString("hex"))
    .sort();
const hex = (...parts: (string | number)[]) => bytes(...parts).toString("hex");

async function runRule(rule: FileManagerRule, path: Buffer, dir = false): Promise<void> {
  const s = new FileManagerScheduler({ rules: [rule], dirs: true });
  s.attach(new FakeClock());
  s.schedule(fsEvent("IN_CLOSE_WRITE", decodePath(path), dir, "/"));
  await settle();
  await waitFor(() => s.counts.running === 0, "the task done");
}

describe("FileManagerRule on a name that is not UTF-8 (byte 0xE9)", () => {
  test("move and copy act on that file, byte for byte", async () => {
    using dir = tempDir("fm-bytes");
    writeFileSync(bytes(dir.path, "/caf", 0xe9, ".mkv.to_move"), "moved");
    writeFileSync(bytes(dir.path, "/caf", 0xe9, ".mkv.to_copy"), "copied");
    writeFileSync(bytes(dir.path, "/caf\uFFFD.mkv.to_move"), "the wrong file"); // what U+FFFD would reach
    const out = `${dir.path}/out`;
    await runRule(
      new FileManagerRule({
        action: "move",
        src_re: `^${dir.path}/(?<n>[^/]+)\\.to_move$`,
        dst_re: `${out}/$<n>`,
        auto_create: true,
        filemode: 0o600,
      }),
      bytes(dir.path, "/caf", 0xe9, ".mkv.to_move"),
    );
    await runRule(
      new FileManagerRule({
        action: "copy",
        src_re: `^${dir.path}/(?<n>[^/]+)\\.to_copy$`,
        dst_re: `${out}/$<n>.copy`,
      }),
      bytes(dir.path, "/caf", 0xe9, ".mkv.to_copy"),
    );
    expect(names(out)).toEqual([hex("caf", 0xe9, ".mkv"), hex("caf", 0xe9, ".mkv.copy")].sort());
    expect(readFileSync(bytes(out, "/caf", 0xe9, ".mkv"), "utf8")).toBe("moved");
    expect(statSync(bytes(out, "/caf", 0xe9, ".mkv")).mode & 0o777).toBe(0o600);
    expect(readFileSync(bytes(out, "/caf", 0xe9, ".mkv.copy"), "utf8")).toBe("copied");
    expect(existsSync(bytes(dir.path, "/caf", 0xe9, ".mkv.to_move"))).toBe(false);
    expect(existsSync(bytes(dir.path, "/caf", 0xe9, ".mkv.to_copy"))).toBe(true);
    expect(readFileSync(bytes(dir.path, "/caf\uFFFD.mkv.to_move"), "utf8")).toBe("the wrong file");
  });

  test("a folder copied and moved across filesystems keeps every name, link and mode", async () => {
    using dir = tempDir("fm-bytes");
    if (!existsSync("/dev/shm") || lstatSync("/dev/shm").dev === lstatSync(dir.path).dev) return; // one filesystem only
    const other = mkdtempSync("/dev/shm/fm-bytes-");
    try {
      const album = bytes(dir.path, "/album", 0xe9);
      mkdirSync(bytes(dir.path, "/album", 0xe9, "/disc", 0xff), { recursive: true });
      writeFileSync(bytes(dir.path, "/album", 0xe9, "/disc", 0xff, "/t", 0xfe, ".flac"), "music");
      symlinkSync(bytes("disc", 0xff, "/t", 0xfe, ".flac"), bytes(dir.path, "/album", 0xe9, "/first", 0xe9));
      await runRule(
        new FileManagerRule({
          action: "copy",
          src_re: `^${dir.path}/(?<n>album[^/]*)$`,
          dst_re: `${dir.path}/$<n>.bak`,
          dirmode: 0o700,
          filemode: 0o640,
        }),
        album,
        true,
      );
      await runRule(
        new FileManagerRule({ action: "move", src_re: `^${dir.path}/(?<n>album[^/]*)$`, dst_re: `${other}/$<n>` }),
        album,
        true,
      );
      for (const [top, dirmode, filemode] of [
        [bytes(dir.path, "/album", 0xe9, ".bak"), 0o700, 0o640],
        [bytes(other, "/album", 0xe9), undefined, undefined],
      ] as const) {
        expect(names(top)).toEqual([hex("disc", 0xff), hex("first", 0xe9)].sort());
        expect(names(Buffer.concat([top, bytes("/disc", 0xff)]))).toEqual([hex("t", 0xfe, ".flac")]);
        const file = Buffer.concat([top, bytes("/disc", 0xff, "/t", 0xfe, ".flac")]);
        expect(readFileSync(file, "utf8")).toBe("music");
        expect(
          (readlinkSync(Buffer.concat([top, bytes("/first", 0xe9)]), { encoding: "buffer" }) as Buffer).toString("hex"),
        ).toBe(hex("disc", 0xff, "/t", 0xfe, ".flac"));
        if (dirmode !== undefined) {
          expect(statSync(top).mode & 0o777).toBe(dirmode);
          expect(statSync(file).mode & 0o777).toBe(filemode!);
        }
      }
      expect(existsSync(album)).toBe(false);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
