// Calling user code (rtorrent hooks, and next run jobs and plugins): `callHook` catches
// what it throws (one line naming the hook, its subject and where in the user's file;
// the user's stack apart), and stops waiting for it after its timeout (it goes on in the
// background: JavaScript cannot stop it).

import { describeError } from "./describe.ts";

export interface UserCall {
  /** What is called, as it reads in a sentence: "hook post_add", "TaskScheduler job". */
  hook: string;
  /** What it is called for, as users know it: `<HASH> "name"`, a path. */
  subject?: string | undefined;
}

export type HookOutcome =
  | { ok: true; value: unknown }
  | { ok: false; kind: "threw" | "timeout"; error: string; stack?: string };

/** Call a hook; never throws. A failure's `error` is one line naming the hook and its subject. */
export async function callHook(call: UserCall, fn: (...args: never[]) => unknown, args: unknown[], timeoutMs: number): Promise<HookOutcome> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<HookOutcome>((res) => {
    const error = `${call.hook} did not finish within ${timeoutMs / 1000} s${forSubject(call)}; it goes on in the background`;
    timer = setTimeout(() => res({ ok: false, kind: "timeout", error }), timeoutMs);
  });
  const run = (async (): Promise<HookOutcome> => {
    try {
      return { ok: true, value: await (fn as (...a: unknown[]) => unknown)(...args) };
    } catch (err) {
      const d = describeError(err);
      const error = `${call.hook} failed${forSubject(call)}: ${d.message}${d.where ? ` (${d.where})` : ""}`;
      return { ok: false, kind: "threw", error, ...(d.stack ? { stack: d.stack } : {}) };
    }
  })();
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// --- internal ---

function forSubject(call: UserCall): string {
  return call.subject ? ` for ${call.subject}` : "";
}
