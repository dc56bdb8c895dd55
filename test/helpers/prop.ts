// Property-based tests (fast-check): how many generated cases a property runs, and how a
// failure is found, shrunk and replayed.
//
// - CI runs the bounded number of cases each test names; `bash test/props.sh [RUNS]` (or
//   SEEDWATCH_PROP_RUNS=N) runs every property with a larger budget.
// - `assertProperty` looks for a failure without shrinking (a filesystem case can take a
//   second, and fast-check may try thousands of smaller ones), then, once one is found,
//   shrinks it from there for at most SEEDWATCH_PROP_SHRINK_MS (default 60 s; every
//   property test's ceiling leaves room for it; 0 turns shrinking off). The error names
//   the seed and the path of the smallest failing case it got to.
// - Replay a failure: SEEDWATCH_PROP_SEED=<seed> SEEDWATCH_PROP_PATH=<path> bash .ci/test FILE
//   runs that one case first (then shrinks it further, within the budget again), e.g.
//     SEEDWATCH_PROP_SEED=-1577 SEEDWATCH_PROP_PATH="12:3:0" bash .ci/test test/unit/rules/follow.prop.test.ts
//   To shrink longer than a test's ceiling allows, raise both: SEEDWATCH_PROP_SHRINK_MS=600000
//   bash .ci/test --timeout 900000 FILE.

import fc from "fast-check";

const scale = Number(process.env.SEEDWATCH_PROP_RUNS) || 0;
const seed = process.env.SEEDWATCH_PROP_SEED === undefined ? undefined : Number(process.env.SEEDWATCH_PROP_SEED);
const path = process.env.SEEDWATCH_PROP_PATH;
const shrinkMs =
  process.env.SEEDWATCH_PROP_SHRINK_MS === undefined ? 60_000 : Number(process.env.SEEDWATCH_PROP_SHRINK_MS);

/** fast-check parameters: `ci` cases in CI, SEEDWATCH_PROP_RUNS from the script; no shrinking. */
function propParams<T>(ci: number): fc.Parameters<T> {
  return {
    numRuns: scale || ci,
    ...(seed === undefined ? {} : { seed }),
    ...(path === undefined ? {} : { path }),
    endOnFailure: true,
  };
}

/**
 * Run `property` on `ci` generated cases (see the header): find a failure fast, then
 * shrink it within the budget, and throw fast-check's report with the replay variables.
 */
export async function assertProperty<T>(property: fc.IRawProperty<T>, ci: number): Promise<void> {
  const params = propParams<T>(ci);
  const found = await fc.check(property, params);
  if (!found.failed) return;
  if (found.counterexamplePath === null || !(shrinkMs > 0)) throw new Error(report(found, ""));
  const shrunk = await fc.check(property, {
    ...params,
    seed: found.seed,
    path: found.counterexamplePath,
    endOnFailure: false,
    interruptAfterTimeLimit: shrinkMs,
    markInterruptAsFailure: true,
  });
  if (shrunk.failed && shrunk.counterexamplePath !== null)
    // An interrupted shrink has no error of its own: the first failure's is reported.
    throw new Error(
      report(
        shrunk,
        shrunk.interrupted ? `shrinking stopped after ${shrinkMs} ms` : "shrunk",
        shrunk.interrupted ? found : shrunk,
      ),
    );
  // The same case passed when run again: the failure depends on more than the case.
  throw new Error(report(found, "NOT shrunk: the same case passed when run again (a timing-dependent failure?)"));
}

export { fc };

// --- internal ---

/** fast-check's report, how it ended, the replay line, and the error of `failure` (its report leaves it out). */
function report<T>(r: fc.RunDetails<T>, how: string, failure: fc.RunDetails<T> = r): string {
  const replay =
    r.counterexamplePath === null
      ? ""
      : `\nreplay: SEEDWATCH_PROP_SEED=${r.seed} SEEDWATCH_PROP_PATH="${r.counterexamplePath}" ` +
        "bash .ci/test <this file>";
  const error = failure.errorInstance === undefined ? "" : `\nerror: ${errorOf(failure)}`;
  return `${fc.defaultReportMessage(r) ?? "property failed"}${how ? `\n(${how})` : ""}${replay}${error}`;
}

function errorOf<T>(r: fc.RunDetails<T>): string {
  const e = r.errorInstance;
  return e instanceof Error ? e.message : String(e);
}
