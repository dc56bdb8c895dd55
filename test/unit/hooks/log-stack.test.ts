// A user's stack goes with its one-line message: under it at -v in text, as one `stack`
// field in JSON, never as lines of their own at the default level.

import { afterEach, expect, test } from "bun:test";
import { formatLine, log, setFormat, setVerbosity, withStack } from "../../../src/log.ts";

const STACK = "at helper (/srv/hooks.ts:2:31)\nat post_add (/srv/hooks.ts:4:3)";
const LINE = 'hook post_add failed for ABC "Name": boom (/srv/hooks.ts:2:31)';

afterEach(() => {
  setFormat("text");
  setVerbosity(0);
});

/** What the stderr sink writes while `fn` runs. */
function stderrOf(fn: () => void): string {
  const write = process.stderr.write;
  let out = "";
  process.stderr.write = ((chunk: string) => ((out += chunk), true)) as typeof process.stderr.write;
  try {
    fn();
  } finally {
    process.stderr.write = write;
  }
  return out;
}

test("text: one line by default; the stack indented under it at -v", () => {
  expect(stderrOf(() => log.withTag("rtorrent").warn(withStack(LINE, STACK)))).toBe(`warn  rtorrent: ${LINE}\n`);
  setVerbosity(1);
  expect(stderrOf(() => log.withTag("rtorrent").warn(withStack(LINE, STACK)))).toBe(
    `warn  rtorrent: ${LINE}\n      at helper (/srv/hooks.ts:2:31)\n      at post_add (/srv/hooks.ts:4:3)\n`,
  );
});

test("json: one record, the stack as one field, at any verbosity", () => {
  setFormat("json");
  const out = stderrOf(() => log.withTag("rtorrent").warn(withStack(LINE, STACK)));
  expect(out.trim().split("\n")).toHaveLength(1);
  expect(JSON.parse(out)).toEqual({
    time: expect.any(String),
    level: "warn",
    tag: "rtorrent",
    msg: LINE,
    stack: STACK,
  });
});

test("journald and log files keep one line per record, the stack joined at -v", () => {
  const r = {
    date: new Date("2025-01-02T03:04:05Z"),
    level: 1,
    type: "warn",
    tag: "rtorrent",
    msg: LINE,
    stack: STACK,
  };
  expect(formatLine("journal", r, false)).toBe(`<4>rtorrent: ${LINE}\n`);
  expect(formatLine("journal", r, true)).toBe(
    `<4>rtorrent: ${LINE} | at helper (/srv/hooks.ts:2:31) | at post_add (/srv/hooks.ts:4:3)\n`,
  );
  expect(formatLine("file", r, true)).toBe(
    `2025-01-02T03:04:05.000Z warn rtorrent: ${LINE} | ` +
      "at helper (/srv/hooks.ts:2:31) | at post_add (/srv/hooks.ts:4:3)\n",
  );
});

test("a record without a stack is what it always was", () => {
  expect(withStack(LINE, undefined)).toBe(LINE);
  setFormat("json");
  expect(JSON.parse(stderrOf(() => log.withTag("x").warn("plain")))).toEqual({
    time: expect.any(String),
    level: "warn",
    tag: "x",
    msg: "plain",
  });
});
