// Shared by the plugin tests: a temp folder with a config and plugin files, and the record
// that the test plugins write (one JSON line per call), read back.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { TempDir } from "../../helpers/tmp.ts";

/** A plugin file that appends one JSON line per call to `out`: { call, …event or options, why }. */
export function recorder(out: string, extra = ""): string {
  return `import { appendFileSync } from "node:fs";
import { definePlugin } from "seedwatch";
const put = (o) => appendFileSync(${JSON.stringify(out)}, JSON.stringify(o) + "\\n");
export default definePlugin({
  ${extra}
  init(ctx) { put({ call: "init", name: ctx.name, path: ctx.path, options: ctx.options }); },
  event(ev, ctx) { put({ call: "event", ...ev }); },
  reconfig(options, ctx) { put({ call: "reconfig", options }); },
  dead(ctx, why) { put({ call: "dead", why }); },
});
`;
}

export interface Record {
  call: string;
  kind?: string;
  path?: string;
  names?: string[];
  events?: string[];
  from?: string;
  to?: string;
  dir?: boolean;
  why?: string;
  options?: unknown;
  [k: string]: unknown;
}

/** The records written so far (a line being appended is left out). */
export function records(out: string): Record[] {
  if (!existsSync(out)) return [];
  return readFileSync(out, "utf8")
    .split("\n")
    .filter((l) => l.endsWith("}"))
    .map((l) => JSON.parse(l) as Record);
}

/** Write the config (its imports from "seedwatch" included). */
export function writeConfig(dir: TempDir, body: string, name = "config.ts"): string {
  const path = dir.join(name);
  writeFileSync(path, `import { Pyinotifyd, Watch, Plugin, TaskScheduler } from "seedwatch";\n${body}`);
  return path;
}
