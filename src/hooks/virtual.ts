// The module "seedwatch" that user files import: inside the binary it is the running
// program's own API (a Bun plugin registers it before any user file loads), so nothing
// has to be installed beside the binary. Types come from `seedwatch init`.

import { plugin } from "bun";
import { VERSION } from "../version.ts";
import { Cancel, TaskScheduler } from "../rules/scheduler.ts";
import { ShellScheduler } from "../rules/shell.ts";
import { FileManagerRule, FileManagerScheduler } from "../rules/files.ts";
import { EventMap, Pyinotifyd, Watch } from "../rules/config.ts";
import { LEVELS, setLoglevel } from "../rules/logging.ts";
import { enableSyslog } from "../rules/syslog.ts";

let registered = false;

/** What `import { … } from "seedwatch"` gives a user file. */
export const SEEDWATCH_EXPORTS = {
  VERSION,
  /** Returns its argument: a typed way to write a hooks file. */
  defineHooks: <T>(hooks: T): T => hooks,
  /** The environment (process.env), typed without Node's or Bun's type packages. */
  env: process.env,
  // seedwatch run CONFIG.ts: pyinotifyd's classes and functions, by their names
  Pyinotifyd,
  Watch,
  EventMap,
  TaskScheduler,
  ShellScheduler,
  FileManagerScheduler,
  FileManagerRule,
  Cancel,
  setLoglevel,
  enableSyslog,
  ...LEVELS,
};

export function registerSeedwatchModule(): void {
  if (registered) return;
  registered = true;
  plugin({
    name: "seedwatch",
    setup(build) {
      build.module("seedwatch", () => ({ exports: SEEDWATCH_EXPORTS, loader: "object" }));
    },
  });
}
