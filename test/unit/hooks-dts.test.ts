// seedwatch.d.ts is written by hand for users; this keeps it honest: every value it
// declares exists in what the binary's "seedwatch" module exports, and every export is
// declared.

import { expect, test } from "bun:test";
import { provideSeedwatchApi, seedwatchDts } from "../../src/commands/user-api.ts";
import { userApi } from "../../src/config/user-api.ts";

test("seedwatch.d.ts declares exactly the values the module exports", async () => {
  provideSeedwatchApi();
  const dts = await seedwatchDts();
  const declared = [...dts.matchAll(/^\s*export (?:class|function|const) (\w+)/gm)].map((m) => m[1]);
  expect(new Set(declared)).toEqual(new Set(Object.keys((await userApi()).exports)));
});
