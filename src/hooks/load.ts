// Loading user code (hooks, configs) by path at run time, from the compiled binary. A file
// that does not load says why the way a compiler would: each error as file:line:col, its
// source line and a caret. Its top level runs under the watchdog, like any user call.

import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { existsSync } from "node:fs";
import { HookError, SeedError } from "../errors.ts";
import { watched } from "./call.ts";
import { clean, describeLoadError } from "./describe.ts";
import { registerSeedwatchModule } from "./virtual.ts";

/**
 * Import a .ts/.js module by path; a missing file or a syntax error is a HookError.
 * `fresh`: load it again (a reload), even if it was loaded before.
 */
export async function loadModule(path: string, what = "hook file", fresh = false): Promise<Record<string, unknown>> {
  await registerSeedwatchModule();
  const abs = resolve(path);
  if (!existsSync(abs))
    throw new HookError(
      `${what} not found: ${abs}`,
      `check the path${what === "hook file" ? " given to --hooks" : ""}`,
    );
  try {
    // A query on the plain path makes Bun load the file again (a file:// URL would not).
    const url = fresh ? `${abs}?v=${Date.now()}` : pathToFileURL(abs).href;
    return (await watched({ hook: `${what} ${abs}` }, () => import(url))) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof SeedError) throw err; // e.g. a ConfigError from a constructor it called: already precise
    throw loadError(err, abs, what, fresh);
  }
}

// --- internal ---

function loadError(err: unknown, abs: string, what: string, fresh: boolean): HookError {
  const hint = fresh
    ? "fix the file and save it again; until it loads, the version already running stays"
    : "fix the file, then start seedwatch again";
  const located = describeLoadError(err);
  if (located) {
    const errors = located.count === 1 ? "1 error" : `${located.count} errors`;
    return new HookError(`${located.lines.join("\n")}\n${what} ${abs} failed to load (${errors})`, hint, err);
  }
  const msg = clean((err as Error)?.message ?? String(err));
  return new HookError(`${what} ${abs} failed to load: ${msg}`, `${hint}; check its imports`, err);
}
