// The Mirror under churn: random changes of every kind, as fast as they can be made,
// then the mirror must converge (rsync -a -n -i --delete reports nothing). One daemon per
// test; generated sequences (fast-check, through assertProperty) and a few seconds of free churn
// with the daemon stopped (SIGSTOP) for the middle third of it.

import { describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync } from "node:fs";
import type { Running } from "../../helpers/bin.ts";
import { assertProperty, fc } from "../../helpers/prop.ts";
import { waitFor } from "../../helpers/wait.ts";
import { fastTempDir } from "../watch/fast-tmp.ts";
import { Churn, OPS } from "./churn.ts";
import { converged, HAS_RSYNC, mirrorConfig, NO_RSYNC, startMirror } from "./mirror-rig.ts";

/** Seconds of free churn (CI: 3; SEEDWATCH_CHURN_S for a long run). */
const CHURN_S = Number(process.env.SEEDWATCH_CHURN_S) || 3;

async function daemon(dir: { join(...p: string[]): string }): Promise<{ w: Running; src: string; dst: string }> {
  const [src, dst] = [dir.join("src"), dir.join("dst")];
  mkdirSync(src);
  const w = await startMirror(mirrorConfig(dir.join("config.ts"), src, `{ destination: "./dst" }`));
  return { w, src, dst };
}

/** A process's state letter from /proc (R, S, T for stopped, …). */
function processState(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
}

describe.skipIf(!HAS_RSYNC)("Mirror under churn", () => {
  if (!HAS_RSYNC) console.warn(`skipped: ${NO_RSYNC}`);

  test(`${CHURN_S} s of random changes of every kind, the daemon stopped for a third, end converged`, async () => {
    using dir = fastTempDir("churn");
    const { w, src, dst } = await daemon(dir);
    await using _w = w;
    let seed = Number(process.env.SEEDWATCH_PROP_SEED) || Date.now() % 1_000_000;
    const pick = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) >>> 8) % n;
    const churn = new Churn(src, dir.join("outside"), pick);
    const start = performance.now();
    const until = start + CHURN_S * 1000;
    // The middle third with the daemon stopped (SIGSTOP, as a debugger or a frozen cgroup
    // would): its queue fills, perhaps overflows, and it must catch up after SIGCONT.
    let phase: "before" | "stopped" | "resumed" = "before";
    const changesWhileStopped = { from: 0, to: 0 };
    while (performance.now() < until) {
      const t = (performance.now() - start) / (CHURN_S * 1000);
      if (phase === "before" && t > 1 / 3) {
        process.kill(w.proc.pid, "SIGSTOP");
        await waitFor(() => processState(w.proc.pid) === "T", "the daemon stopped");
        [phase, changesWhileStopped.from] = ["stopped", churn.done];
      } else if (phase === "stopped" && t > 2 / 3) {
        changesWhileStopped.to = churn.done;
        process.kill(w.proc.pid, "SIGCONT");
        phase = "resumed";
      }
      for (let i = 0; i < 50; i++) churn.apply(OPS[pick(OPS.length)]!);
      await Bun.sleep(0); // churn: let the test runner breathe between rounds, not a wait for the daemon
    }
    const stopped = changesWhileStopped.to - changesWhileStopped.from;
    console.log(`churn: ${churn.done} changes in ${CHURN_S} s, ${stopped} while stopped (seed ${seed})`);
    expect(phase).toBe("resumed");
    expect(stopped).toBeGreaterThan(0);
    await converged(src, dst, `converged after ${churn.done} changes`, 60_000);
    expect(await w.stop("SIGTERM")).toBe(0);
  }, 120_000);

  test("generated sequences of changes: each ends with the mirror converged", async () => {
    using dir = fastTempDir("churn");
    const { w, src, dst } = await daemon(dir);
    await using _w = w;
    let cases = 0;
    let picks: number[] = [];
    let k = 0;
    // One model across cases: the tree grows and each sequence works on what earlier ones left.
    const churn = new Churn(src, dir.join("outside"), (n) => picks[k++ % picks.length]! % n);
    await assertProperty(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(...OPS), fc.nat()), { minLength: 1, maxLength: 60 }),
        async (ops) => {
          picks = ops.map(([, n]) => n);
          k = 0;
          for (const op of ["create", "mkdir", "create"] as const) churn.apply(op);
          for (const [op] of ops) churn.apply(op);
          cases++;
          await converged(src, dst, `converged after ${ops.map(([o]) => o).join(" ")}`, 30_000);
        },
      ),
      15,
    );
    console.log(`generated: ${cases} sequences, ${churn.done} changes`);
    expect(await w.stop("SIGTERM")).toBe(0);
  }, 600_000);
});
