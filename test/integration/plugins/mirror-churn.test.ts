// The Mirror under churn: random changes of every kind, as fast as they can be made,
// then the mirror must converge (rsync -a -n -i --delete reports nothing). One daemon per
// test; generated sequences (fast-check: propParams) and a few seconds of free churn.

import { describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import type { Running } from "../../helpers/bin.ts";
import { fc, propParams } from "../../helpers/prop.ts";
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

describe.skipIf(!HAS_RSYNC)("Mirror under churn", () => {
  if (!HAS_RSYNC) console.warn(`skipped: ${NO_RSYNC}`);

  test(`${CHURN_S} s of random changes of every kind end with the mirror converged`, async () => {
    using dir = fastTempDir("churn");
    const { w, src, dst } = await daemon(dir);
    await using _w = w;
    let seed = Number(process.env.SEEDWATCH_PROP_SEED) || Date.now() % 1_000_000;
    const pick = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) >>> 8) % n;
    const churn = new Churn(src, dir.join("outside"), pick);
    const until = performance.now() + CHURN_S * 1000;
    let rounds = 0;
    while (performance.now() < until) {
      for (let i = 0; i < 50; i++) churn.apply(OPS[pick(OPS.length)]!);
      rounds++;
      await Bun.sleep(0); // churn: let the test runner breathe between rounds, not a wait for the daemon
    }
    console.log(`churn: ${churn.done} changes in ${CHURN_S} s (seed ${seed})`);
    await converged(src, dst, `converged after ${churn.done} changes`, 60_000);
    expect(rounds).toBeGreaterThan(0);
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
    await fc.assert(
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
      propParams(15),
    );
    console.log(`generated: ${cases} sequences, ${churn.done} changes`);
    expect(await w.stop("SIGTERM")).toBe(0);
  }, 600_000);
});
