// Generated variants of "the watcher is behind" (behind-case.ts): random operations on a
// tree (tree-ops.ts) done while nothing reads the inotify queue, then caught up; and the
// same operations done by another process while the watcher runs. Invariant: replaying
// the events (test/contracts/path-model.ts) gives the tree on disk, path for path.
// CI runs the cases below; `bash test/props.sh [N]` runs N of each. A failure prints
// fast-check's seed and path; SEEDWATCH_PROP_SEED replays the run.

import { describe, expect, test } from "bun:test";
import { assertProperty, fc } from "../../helpers/prop.ts";
import { runCase } from "./behind-case.ts";
import { initialOps, laterOps } from "./tree-ops.ts";

/** Cases per CI run: about 10 s and 5 s on two idle cores (25 and 60 ms a case). */
const CI_CASES = { blocked: 400, concurrent: 80 };

describe("a watcher that falls behind loses nothing", () => {
  for (const how of ["blocked", "concurrent"] as const) {
    const title =
      how === "blocked"
        ? "operations done while nothing reads the queue"
        : "operations done by another process meanwhile";
    test(`replaying the events gives the tree on disk: generated ${title}`, async () => {
      let cases = 0;
      const started = performance.now();
      const property = fc.asyncProperty(initialOps, laterOps, (initial, later) => {
        cases++;
        return runCase(initial, later, how);
      });
      await assertProperty(property, CI_CASES[how]);
      console.log(
        `behind (${how}): ${cases} generated cases in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      expect(cases).toBeGreaterThan(0);
    }, 3_600_000);
  }
});
