// commands/numbers.ts: the one parser behind --poll, --jobs, --timeout, --max-delete,
// --hook-timeout and --stop-timeout.

import { expect, test } from "bun:test";
import { positiveNumber, wholeNumber } from "../../../src/commands/numbers.ts";
import { ConfigError } from "../../../src/errors.ts";

test("whole numbers, from 0 or from 1", () => {
  expect(wholeNumber("0", "--max-delete", 0, 100)).toBe(0);
  expect(wholeNumber("500", "--max-delete", 0, 100)).toBe(500);
  expect(wholeNumber("4", "--jobs", 1, 4)).toBe(4);
  for (const [text, min] of [
    ["0", 1],
    ["-1", 0],
    ["1.5", 0],
    ["", 0],
    [" ", 0],
    ["abc", 1],
  ] as const)
    expect(() => wholeNumber(text, "--jobs", min, 4)).toThrow(ConfigError);
  try {
    wholeNumber("abc", "--poll", 1, 1000);
  } catch (err) {
    expect((err as ConfigError).message).toBe('--poll: must be a whole number above 0, not "abc"');
    expect((err as ConfigError).hint).toBe("for example --poll 1000");
  }
});

test("numbers above 0, fractions allowed", () => {
  expect(positiveNumber("0.5", "--timeout", 30)).toBe(0.5);
  for (const text of ["0", "-2", "", "Infinity", "NaN", "x"])
    expect(() => positiveNumber(text, "--timeout", 30)).toThrow(/--timeout: must be a number above 0/);
});
