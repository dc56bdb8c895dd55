// Property-based tests (fast-check): how many generated cases a property runs.
// CI runs the bounded number each test names; `bash test/props.sh` (or
// SEEDWATCH_PROP_RUNS=N) runs every property with a larger budget, and
// SEEDWATCH_PROP_SEED=S SEEDWATCH_PROP_PATH=P replay a failure that fast-check reported.

import fc from "fast-check";

const scale = Number(process.env.SEEDWATCH_PROP_RUNS) || 0;
const seed = process.env.SEEDWATCH_PROP_SEED === undefined ? undefined : Number(process.env.SEEDWATCH_PROP_SEED);
const path = process.env.SEEDWATCH_PROP_PATH;

/** fast-check parameters: `ci` cases in CI, SEEDWATCH_PROP_RUNS from the script. */
export function propParams<T>(ci: number): fc.Parameters<T> {
  return {
    numRuns: scale || ci,
    ...(seed === undefined ? {} : { seed }),
    ...(path === undefined ? {} : { path }),
    endOnFailure: true,
  };
}

export { fc };
