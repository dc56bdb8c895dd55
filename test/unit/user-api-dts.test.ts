// seedwatch.d.ts is written by hand for users (self-contained, with their doc comments,
// without the code's internals). This keeps it honest: it is checked against the code's
// own types, structurally, with the TypeScript compiler — every export the module has is
// declared and every declaration is exported; every class's constructor options, every
// function's parameters and every declared type match the code's, option names and
// types both. Where they differ on purpose, ALLOWED says where and why.

import { expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { provideSeedwatchApi, seedwatchDts } from "../../src/commands/user-api.ts";
import { findDrift } from "../helpers/type-drift.ts";
import { tempDir } from "../helpers/tmp.ts";

const ROOT = join(import.meta.dir, "../..");

/** Deliberate differences: a drift path (and below it) and its kind, with the reason. */
const ALLOWED: { path: string; kind: string; why: string }[] = [
  ...["type", "optional"].map((kind) => ({
    path: "Hooks",
    kind,
    why:
      "the tracker calls every hook positionally, typed (...args: never[]) => unknown; " +
      "the declared signatures are the documented ones (shared/DESIGN.md). Hook names are still checked.",
  })),
  {
    path: "QueueFunction(args)",
    kind: "type",
    why: "the tracker types a queue function's args as unknown and passes TrackerOptions.args, which is Args",
  },
  {
    path: "new TaskScheduler",
    kind: "type",
    why: "its second and third parameters (kind, extra keys) are for the subclasses, not for users",
  },
  ...["extra", "type"].map((kind) => ({
    path: "new EventMap(options).map",
    kind,
    why:
      "declared keys are event names, so editors complete them; " +
      "the code takes any string and refuses an unknown name with a suggestion",
  })),
  {
    path: "WatchOptions.event_map",
    kind: "type",
    why: "as EventMap's map: event names declared, any string checked at load",
  },
];

test("seedwatch.d.ts matches the code's types: option names and types", async () => {
  provideSeedwatchApi();
  using dir = tempDir("dts");
  const dtsFile = dir.join("seedwatch.d.ts");
  writeFileSync(dtsFile, await seedwatchDts());
  const { drift, diagnostics } = findDrift({
    dtsFile,
    module: "seedwatch",
    codeFiles: ["hooks", "rtorrent", "rules", "plugins", "queue"].map((l) => join(ROOT, `src/${l}/user-api.ts`)),
    tsconfig: join(ROOT, "tsconfig.json"),
    outputs: ["Database", "Args", "Queues", "RmTuple", "JobEvent", "PluginEvent", "PluginContext"],
  });
  expect(diagnostics).toEqual([]);
  const under = (path: string, at: string) => path === at || [".", "(", " ", "["].some((c) => path.startsWith(at + c));
  const allowed = (d: { path: string; kind: string }) =>
    ALLOWED.find((a) => a.kind === d.kind && under(d.path, a.path));
  const unexplained = drift.filter((d) => !allowed(d)).map((d) => `${d.path} (${d.kind}): ${d.text}`);
  expect(unexplained).toEqual([]);
  const unused = ALLOWED.filter((a) => !drift.some((d) => allowed(d) === a)).map((a) => a.path);
  expect(unused).toEqual([]); // an allowance nothing needs any more goes
}, 60_000);
