// Loading user code by path at run time, from the compiled binary, and calling it
// safely: a hook that throws or hangs is logged with its context and stack, and the
// caller goes on.

import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { existsSync } from "node:fs";
import { HookError, SeedError } from "../errors.ts";
import { registerSeedwatchModule } from "./virtual.ts";

/** Import a .ts/.js module by path; a missing file or a syntax error is a HookError. */
export async function loadModule(path: string, what = "hook file", fresh = false): Promise<Record<string, unknown>> {
  registerSeedwatchModule();
  const abs = resolve(path);
  if (!existsSync(abs)) throw new HookError(`${what} not found: ${abs}`, `check the path${what === "hook file" ? " given to --hooks" : ""}`);
  try {
    // A query on the plain path makes Bun load the file again (a file:// URL would not).
    return (await import(fresh ? `${abs}?v=${Date.now()}` : pathToFileURL(abs).href)) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof SeedError) throw err; // e.g. a ConfigError from a constructor it called: already precise
    const msg = (err as Error)?.message ?? String(err);
    throw new HookError(`${what} ${abs} failed to load: ${msg}`, "run it with 'bun <file>' to see the full error, or check its imports", err);
  }
}

export type HookOutcome = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * Call `fn(...args)`, waiting at most `timeoutMs`. Never throws: the outcome says what
 * happened (the error with its stack, or the timeout). A hook that times out keeps
 * running in the background; JavaScript cannot stop it.
 */
export async function callHook(name: string, fn: (...args: never[]) => unknown, args: unknown[], timeoutMs: number): Promise<HookOutcome> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<HookOutcome>((res) => {
    timer = setTimeout(() => res({ ok: false, error: `${name} did not finish within ${timeoutMs / 1000} s` }), timeoutMs);
  });
  const run = (async (): Promise<HookOutcome> => {
    try {
      return { ok: true, value: await (fn as (...a: unknown[]) => unknown)(...args) };
    } catch (err) {
      return { ok: false, error: `${name} threw: ${(err as Error)?.stack ?? String(err)}` };
    }
  })();
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
