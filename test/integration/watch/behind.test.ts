// Generated variants of "the watcher is behind" (behind-case.ts): random operations on a
// tree (tree-ops.ts) done while nothing reads the inotify queue, then caught up.
// Invariant: replaying the events (test/contracts/path-model.ts) gives the tree on
// disk, path for path.
// CI runs CI_CASES cases; `bash test/props.sh [N]` runs N. A failure prints fast-check's
// seed and path; SEEDWATCH_PROP_SEED replays the run.

import { describe, expect, test } from "bun:test";
import { fc, propParams } from "../../helpers/prop.ts";
import { runCase } from "./behind-case.ts";
import { initialOps, laterOps } from "./tree-ops.ts";

/** Cases per CI run (about 10 s on two busy cores). */
const CI_CASES = 150;

describe("a watcher that falls behind loses nothing", () => {
  test("replaying the events gives the tree on disk (generated operations)", async () => {
    let cases = 0;
    const started = performance.now();
    const property = fc.asyncProperty(initialOps, laterOps, (initial, later) => {
      cases++;
      return runCase(initial, later);
    });
    await fc.assert(property, propParams(CI_CASES));
    console.log(`behind: ${cases} generated cases in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    expect(cases).toBeGreaterThan(0);
  }, 1_800_000);
});
