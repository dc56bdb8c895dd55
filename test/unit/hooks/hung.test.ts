// The hang file as users may leave it: records, a line they mangled, blank lines, no file.

import { afterEach, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { hangFile, hangLine, hungBefore, setHangFile } from "../../../src/hooks/hung.ts";
import { tempDir } from "../../helpers/tmp.ts";

afterEach(() => setHangFile(undefined));

const record = (hook: string, key: string) => ({
  time: "2025-01-02T03:04:05.000Z",
  hook,
  key,
  blockedMs: 1200,
  limitMs: 1000,
  certain: true,
});

test("records are found by (hook, key); a mangled line or a blank one skips nothing", () => {
  using dir = tempDir("hung");
  const file = dir.join("index.db.hung");
  writeFileSync(
    file,
    `${hangLine(record("hook post_add", "AAA"))}{"hook": "hook pre_add", "key": \n\n` +
      hangLine(record("hook complete", "BBB")),
  );
  setHangFile(file);
  expect(hangFile()).toBe(file);
  expect(hungBefore("hook post_add", "AAA")).toEqual(record("hook post_add", "AAA"));
  expect(hungBefore("hook complete", "BBB")?.key).toBe("BBB");
  expect(hungBefore("hook pre_add", "AAA")).toBeUndefined();
  expect(hungBefore("hook post_add", "BBB")).toBeUndefined();
});

test("no file, or none configured: nothing hung before", () => {
  using dir = tempDir("hung");
  setHangFile(dir.join("absent.hung"));
  expect(hungBefore("hook post_add", "AAA")).toBeUndefined();
  setHangFile(undefined);
  expect(hangFile()).toBeUndefined();
  expect(hungBefore("hook post_add", "AAA")).toBeUndefined();
});
