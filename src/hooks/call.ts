// Calling user code (rtorrent hooks, run jobs, and next plugins) so that it cannot take
// seedwatch down silently:
// - `watched` runs a call under the watchdog: one that blocks the process past its limit
//   ends it (status 12) with one line naming it, and is remembered by key (see watchdog.ts);
// - `callHook` also skips a (hook, key) that blocked an earlier run (said once per run),
//   catches what it throws (one line, and the user's stack apart), and stops waiting for
//   it after its timeout (it goes on in the background: JavaScript cannot stop it).

import { realClock, type Clock } from "../clock.ts";
import { log } from "../log.ts";
import { describeError } from "./describe.ts";
import { hangFile, hungBefore, type HangRecord } from "./hung.ts";
import { enter, leaveSync, settle } from "./watchdog.ts";

export interface UserCall {
  /** What is called, as it reads in a sentence: "hook post_add", "TaskScheduler job". */
  hook: string;
  /** What it is called for, as users know it: `<HASH> "name"`, a path. */
  subject?: string | undefined;
  /** If it blocks, remember it under this key (a torrent's hash), and skip (hook, key) from then on. */
  key?: string | undefined;
}

export type HookOutcome =
  | { ok: true; value: unknown }
  | { ok: false; kind: "threw" | "timeout" | "skipped"; error: string; stack?: string };

/** The limit of user code when no option says otherwise (`--hook-timeout`'s default). */
export const DEFAULT_HOOK_TIMEOUT_S = 120;

/**
 * For user code without a limit of its own (run jobs, config files, a run config's
 * rtorrent hooks): `run --hook-timeout` (setDefaultLimit), else $SEEDWATCH_HOOK_TIMEOUT
 * seconds, else DEFAULT_HOOK_TIMEOUT_S.
 */
export function defaultLimitMs(): number {
  if (limitFromOption !== undefined) return limitFromOption;
  const text = process.env.SEEDWATCH_HOOK_TIMEOUT;
  const s = Number(text);
  if (text === undefined || text === "") return DEFAULT_LIMIT_MS;
  if (Number.isFinite(s) && s > 0) return s * 1000;
  if (!warnedEnv)
    log
      .withTag("hooks")
      .warn(
        `SEEDWATCH_HOOK_TIMEOUT=${JSON.stringify(text)} is not a number of seconds; using ${DEFAULT_LIMIT_MS / 1000}`,
      );
  warnedEnv = true;
  return DEFAULT_LIMIT_MS;
}

/** What `run --hook-timeout` gave, for the rest of the process (undefined: not given). */
export function setDefaultLimit(ms: number | undefined): void {
  limitFromOption = ms;
}

/** `fn()` under the watchdog. Its value, promise or exception passes through unchanged. */
export function watched<T>(call: UserCall, fn: () => T, limitMs = defaultLimitMs()): T {
  const ticket = enter(call, limitMs);
  let result: T;
  try {
    result = fn();
  } catch (err) {
    settle(ticket);
    throw err;
  }
  if (!isThenable(result)) {
    settle(ticket);
    return result;
  }
  leaveSync(ticket);
  return Promise.resolve(result).finally(() => settle(ticket)) as T;
}

/** Call a hook; never throws. A failure's `error` is one line naming the hook and its subject. */
export async function callHook(
  call: UserCall,
  fn: (...args: never[]) => unknown,
  args: unknown[],
  timeoutMs: number,
  clock: Clock = realClock,
): Promise<HookOutcome> {
  const before = call.key === undefined ? undefined : hungBefore(call.hook, call.key);
  if (before) return skip(call, before);
  let timer: unknown;
  const timeout = new Promise<HookOutcome>((res) => {
    const error =
      `${call.hook} did not finish within ${timeoutMs / 1000} s${forSubject(call)}; ` + "it goes on in the background";
    timer = clock.setTimeout(() => res({ ok: false, kind: "timeout", error }), timeoutMs);
  });
  const run = (async (): Promise<HookOutcome> => {
    try {
      return { ok: true, value: await watched(call, () => (fn as (...a: unknown[]) => unknown)(...args), timeoutMs) };
    } catch (err) {
      const d = describeError(err);
      const error = `${call.hook} failed${forSubject(call)}: ${d.message}${d.where ? ` (${d.where})` : ""}`;
      return { ok: false, kind: "threw", error, ...(d.stack ? { stack: d.stack } : {}) };
    }
  })();
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clock.clearTimeout(timer);
  }
}

// --- internal ---

const DEFAULT_LIMIT_MS = DEFAULT_HOOK_TIMEOUT_S * 1000;
let limitFromOption: number | undefined;
let warnedEnv = false;
const announced = new Set<string>();

function skip(call: UserCall, before: HangRecord): HookOutcome {
  const what = before.certain ? "it blocked seedwatch" : "it was pending when seedwatch was blocked";
  const error =
    `${call.hook} skipped${forSubject(call)}: ${what} on ${before.time} ` +
    `(recorded in ${hangFile()}; delete that line, or the file, to run it again)`;
  const id = `${call.hook}\0${call.key}`;
  if (!announced.has(id)) log.withTag("hooks").warn(error);
  announced.add(id);
  return { ok: false, kind: "skipped", error };
}

function forSubject(call: UserCall): string {
  return call.subject ? ` for ${call.subject}` : "";
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (
    (typeof v === "object" || typeof v === "function") &&
    v !== null &&
    typeof (v as { then?: unknown }).then === "function"
  );
}
