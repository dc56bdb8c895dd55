// rtorrent_event's hooks, as seedwatch calls them: the original names and positional
// arguments, each call through callHook (a timeout, the watchdog, one-line failures with
// the stack apart), named by the torrent it is for. Under -n nothing runs: it says so.

import type { Clock } from "../clock.ts";
import { callHook } from "../hooks/call.ts";
import { log, withStack } from "../log.ts";

export type HookFn = (...args: never[]) => unknown;

export interface Hooks {
  pre_add?: HookFn;
  post_add?: HookFn;
  pre_remove?: HookFn;
  post_remove?: HookFn;
  complete?: HookFn;
  pre_loop?: HookFn;
  post_loop?: HookFn;
}

/** What post_remove gets as `rm`, as in rtorrent_event. */
export interface RmTuple {
  name: string;
  tracker: string;
  hash: string;
  rmfiles: string[];
  torfiles: string[];
  tor: Uint8Array | null;
  ltor: Uint8Array | null;
  rtor: Uint8Array | null;
}

export type HookResult = "ok" | "failed" | "skipped";

export interface HookRunnerOptions {
  dryRun: boolean;
  timeoutMs: number;
  clock: Clock;
  say: (line: string) => void;
  /** Counts a failure (the run's exit status says hooks failed). */
  failed: () => void;
}

export class HookRunner {
  constructor(private readonly o: HookRunnerOptions) {}

  /**
   * Call a hook if defined: "ok", "failed" (logged with its stack, and counted) or
   * "skipped": a hook that blocked the process for `torrent` before is skipped (said once
   * per run, not a failure: the hang was reported, with exit status 12, when it happened).
   */
  async call(
    name: string,
    fn: HookFn | undefined,
    args: unknown[],
    torrent?: { hash: string; name?: string | undefined },
  ): Promise<HookResult> {
    if (!fn) return "ok";
    if (this.o.dryRun) {
      this.o.say(`would run hook ${name}`);
      return "ok";
    }
    const subject =
      torrent && (torrent.name === undefined ? torrent.hash : `${torrent.hash} ${JSON.stringify(torrent.name)}`);
    const r = await callHook(
      { hook: `hook ${name}`, subject, key: torrent?.hash },
      fn,
      args,
      this.o.timeoutMs,
      this.o.clock,
    );
    if (r.ok) return "ok";
    if (r.kind === "skipped") return "skipped";
    this.o.failed();
    log.withTag("rtorrent").warn(withStack(r.error, r.stack));
    return "failed";
  }
}
