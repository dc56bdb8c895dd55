// seedwatch.d.ts is written by hand for users; this keeps it honest: every value it
// declares exists in what the binary's "seedwatch" module exports, and every export is
// declared.

import { expect, test } from "bun:test";
import { SEEDWATCH_DTS } from "../../src/hooks/dts.ts";
import { SEEDWATCH_EXPORTS } from "../../src/hooks/virtual.ts";

test("seedwatch.d.ts declares exactly the values the module exports", () => {
  const declared = [...SEEDWATCH_DTS.matchAll(/^\s*export (?:class|function|const) (\w+)/gm)].map((m) => m[1]);
  expect(new Set(declared)).toEqual(new Set(Object.keys(SEEDWATCH_EXPORTS)));
});
