// Loading a config file: a TypeScript or JavaScript module whose default export (or
// `pyinotifyd` export, as in pyinotifyd's config.py) is a Pyinotifyd. Load, then
// validate: the only I/O is the import.

import { ConfigError, HookError } from "../errors.ts";
import { loadModule } from "./load.ts";
import { resetLoglevels } from "../rules/logging.ts";
import { beginConfigLoad, endConfigLoad } from "../rules/syslog.ts";
import { validateConfig, type ValidConfig } from "../rules/model.ts";

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
  if (value === undefined) throw new ConfigError("exports no Pyinotifyd", "config", undefined, "add: export default new Pyinotifyd({ watches: [...] })");
  try {
    return validateConfig(value);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof HookError) throw err;
    throw new ConfigError((err as Error).message, "config", value, "seedwatch run --check CONFIG shows what loads");
  }
}
