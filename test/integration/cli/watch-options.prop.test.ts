// Generated variants of "an option that changes nothing is accepted" (`watch --jobs abc`
// without --exec was): random combinations of watch's mode-bound options, good and bad
// values. Invariant: the binary either accepts the whole line (and then fails on the
// missing path, exit 4) or refuses it in two lines (message, hint) with the exit code
// of the first kind of mistake: an option idle in this mode is a usage error (2), a bad
// value is 3. Never accepted with an idle option.

import { expect, test } from "bun:test";
import { runBin } from "../../helpers/bin.ts";
import { assertProperty, fc } from "../../helpers/prop.ts";

const lineArb = fc.record({
  exec: fc.boolean(),
  jobs: fc.option(fc.constantFrom("1", "4", "0", "abc", "2.5"), { nil: undefined }),
  timeout: fc.option(fc.constantFrom("5", "0.5", "0", "-1", "soon"), { nil: undefined }),
  format: fc.option(fc.constantFrom("%w%f", "%T %f"), { nil: undefined }),
  json: fc.boolean(),
  timefmt: fc.option(fc.constantFrom("%s", "%H:%M"), { nil: undefined }),
});

type Line = typeof lineArb extends fc.Arbitrary<infer T> ? T : never;

/** What the line should get, from the options' rules. */
function expected(l: Line): number {
  const idle =
    (l.json && l.format !== undefined) ||
    (!l.exec && (l.jobs !== undefined || l.timeout !== undefined)) ||
    (l.exec && (l.format !== undefined || l.json || l.timefmt !== undefined)) ||
    (l.timefmt !== undefined && !(l.format ?? "").includes("%T"));
  if (idle) return 2;
  const badJobs = l.jobs !== undefined && !(Number.isInteger(Number(l.jobs)) && Number(l.jobs) >= 1);
  const badTimeout = l.timeout !== undefined && !(Number(l.timeout) > 0);
  return badJobs || badTimeout ? 3 : 4;
}

test("watch: every option line is accepted whole, or refused with a hint and the right exit code", async () => {
  await assertProperty(
    fc.property(lineArb, (l) => {
      const args = ["watch", "/nonexistent/seedwatch-prop"];
      if (l.exec) args.push("--exec", "true");
      for (const k of ["jobs", "timeout", "format", "timefmt"] as const)
        if (l[k] !== undefined) args.push(`--${k}`, l[k]!);
      if (l.json) args.push("--json");
      const r = runBin(args);
      const lines = r.stderr.trimEnd().split("\n");
      expect({ args, code: r.code }).toEqual({ args, code: expected(l) });
      expect(lines.length).toBe(2);
      expect(lines[1]).toMatch(/^hint: \S/);
    }),
    25,
  );
}, 300_000);
