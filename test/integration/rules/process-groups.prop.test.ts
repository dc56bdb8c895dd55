// Generated variants of item 10 ("no orphans"): random process trees under one command
// (background children, children that ignore SIGTERM, nested shells, double forks
// re-parented to init, a leader that exits early or waits or execs), ended by a timeout
// or an abort while it runs. Invariant: run() returns, and no process the command
// started is left. (A leader that exits while its output is not captured has finished:
// what it left in the background is not ended, by design: it may be a daemon on purpose.) Real processes: a few cases
// in CI, more with `bash test/props.sh`.

import { expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { BunProcessRunner } from "../../../src/process/runner.ts";
import { assertProperty, fc } from "../../helpers/prop.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { waitFor } from "../../helpers/wait.ts";
import { killAll, liveWith, uniqueToken } from "./procs.ts";

type Leaf = "plain" | "ignoresTerm" | "nestedShell" | "doubleFork";

const treeArb = fc.record({
  leaves: fc.array(fc.constantFrom<Leaf>("plain", "ignoresTerm", "nestedShell", "doubleFork"), {
    minLength: 1,
    maxLength: 4,
  }),
  leader: fc.constantFrom("wait", "exit", "exec"),
  end: fc.constantFrom("timeout", "abort"),
  capture: fc.boolean(),
});

test("a command ended by timeout or abort leaves no process of its group", async () => {
  const runner = new BunProcessRunner();
  await assertProperty(
    fc.asyncProperty(treeArb, async (t) => {
      // `wait` does not wait for a double fork
      const leaderRuns = t.leader === "exec" || (t.leader === "wait" && t.leaves.some((l) => l !== "doubleFork"));
      fc.pre(leaderRuns || t.capture);
      using dir = tempDir("pgroup");
      const tok = uniqueToken();
      const sleep = `sleep 1000.${tok}`;
      const mark = (i: number) => `: > ${dir.join(`s${i}`)}`;
      const leaf = (kind: Leaf, i: number) =>
        ({
          plain: `(${mark(i)}; exec ${sleep}) &`,
          ignoresTerm: `(trap '' TERM; ${mark(i)}; exec ${sleep}) &`,
          nestedShell: `sh -c '${sleep} & ${mark(i)}; ${sleep}' &`,
          doubleFork: `( (${mark(i)}; exec ${sleep}) & ) ;`,
        })[kind];
      const script = [
        ...t.leaves.map(leaf),
        t.leader === "wait" ? "wait" : t.leader === "exec" ? `exec ${sleep}` : "exit 0",
      ].join(" ");
      try {
        const stop = new AbortController();
        const running = runner.run({
          argv: ["sh", "-c", script],
          group: true,
          graceMs: 100,
          output: t.capture ? "capture" : "inherit",
          ...(t.end === "timeout" ? { timeoutMs: 200 } : { signal: stop.signal }),
        });
        if (t.end === "abort") {
          await waitFor(() => t.leaves.every((_, i) => existsSync(dir.join(`s${i}`))), "every child started");
          stop.abort();
        }
        const r = await running;
        expect(t.end === "timeout" ? r.timedOut : r.aborted).toBe(true);
        await waitFor(() => liveWith(tok).length === 0, `no process left of: ${script}`, 5_000);
      } finally {
        killAll(liveWith(tok));
      }
    }),
    6,
  );
}, 300_000);
