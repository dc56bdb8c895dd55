// Loading worker.ts by path (the hooks layer's loader: the virtual module "seedwatch"
// gives it defineWorker; a syntax or type error is shown as file:line:col with its
// source line), then validating it and reading its secrets from the environment and
// files. The only I/O of the worker's config.

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ConfigError } from "../../errors.ts";
import { loadModule } from "../../hooks/load.ts";
import { type ResolvedWorkerConfig, resolveWorkerConfig } from "../worker-config.ts";

export async function loadWorkerConfig(path: string): Promise<ResolvedWorkerConfig> {
  const abs = resolve(path);
  const mod = await loadModule(abs, "worker config");
  const value = mod.default ?? mod.worker;
  if (value === undefined)
    throw new ConfigError(
      `${abs} exports no worker config`,
      "worker config",
      undefined,
      'add: import { defineWorker } from "seedwatch"; export default defineWorker({ coordinator, sites, seedboxes })',
    );
  try {
    return resolveWorkerConfig(value, {
      env: (name) => process.env[name],
      file: (p) => readFileSync(p, "utf8"),
    });
  } catch (err) {
    if (err instanceof ConfigError) err.message = `${abs}: ${err.message}`;
    throw err;
  }
}
