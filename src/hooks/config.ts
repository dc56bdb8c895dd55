// Loading a config file: a TypeScript or JavaScript module whose default export (or
// `pyinotifyd` export, as in pyinotifyd's config.py) is a Pyinotifyd. Load, then
// validate: the only I/O is the import. Its jobs then run under the hook watchdog.

import { userApi } from "../config/user-api.ts";
import { ConfigError, HookError } from "../errors.ts";
import { watched } from "./call.ts";
import { loadModule } from "./load.ts";
import { resetLoglevels } from "../rules/logging.ts";
import { beginConfigLoad, endConfigLoad } from "../rules/syslog.ts";
import { validateConfig, type ValidConfig } from "../rules/config.ts";
import type { Job } from "../rules/scheduler.ts";

export async function loadConfig(path: string, fresh = false): Promise<ValidConfig> {
  resetLoglevels(); // a reload starts from the config's own setLoglevel calls
  beginConfigLoad();
  let loaded = false;
  try {
    const config = await load(path, fresh);
    loaded = true;
    return config;
  } finally {
    endConfigLoad(loaded);
  }
}

async function load(path: string, fresh: boolean): Promise<ValidConfig> {
  const mod = await loadModule(path, "config file", fresh);
  const value = mod.default ?? mod.pyinotifyd;
  if (value === undefined)
    throw new ConfigError(
      "exports no Pyinotifyd",
      "config",
      undefined,
      "add: export default new Pyinotifyd({ watches: [...] })",
    );
  let config: ValidConfig;
  try {
    const api = await userApi();
    config = validateConfig(value, api.sections, api.watchSections);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof HookError) throw err;
    throw new ConfigError((err as Error).message, "config", value, "seedwatch run --check CONFIG shows what loads");
  }
  for (const s of config.schedulers) watchJob(s.options);
  return config;
}

const watchedJobs = new WeakSet<object>();

/**
 * The user's job, wrapped here rather than in the scheduler (rules sits below hooks): one
 * that blocks the process past $SEEDWATCH_HOOK_TIMEOUT ends it with status 12 and one line
 * naming it and the path. The built-in schedulers (shell, file manager) never call their
 * `job`, so their own work (a large copy may rightly take long) is not watched.
 */
function watchJob(options: { job: Job }): void {
  if (watchedJobs.has(options)) return;
  watchedJobs.add(options);
  const job = options.job;
  options.job = (event, taskId) =>
    watched({ hook: "TaskScheduler job", subject: event.path }, () => job(event, taskId));
}
