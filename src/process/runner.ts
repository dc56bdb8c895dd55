// ProcessRunner: how seedwatch starts user commands. Always an argv array, never a shell
// string assembled from file names. It sits at the bottom of src/ because the rules, the
// watch verb and the queue all start commands; tests pass a runner that records requests.
// A command started with `group` gets a process group of its own (Bun's `detached`, which
// calls setsid), so ending it (timeout, abort) ends what it started too: `sh -c 'a & b'`
// leaves no orphan. Ending is SIGTERM to the group, then SIGKILL to what is left after a
// grace period.

import { readdirSync, readFileSync } from "node:fs";
import { ConfigError } from "../errors.ts";

export interface RunRequest {
  argv: readonly string[];
  env?: Record<string, string>;
  cwd?: string;
  /** Kill with SIGTERM after this long (then SIGKILL `graceMs` later). */
  timeoutMs?: number;
  /** Between SIGTERM and SIGKILL when the command is ended. Default 5 s. */
  graceMs?: number;
  /** Run in a process group of its own; ending the command ends the whole group. */
  group?: boolean;
  /** Aborting ends the command, as a timeout does. */
  signal?: AbortSignal;
  /** Told the pid as soon as the command started. */
  onStart?(pid: number): void;
  /** "inherit": the command writes to our stdout/stderr; "capture": returned as text. */
  output?: "inherit" | "capture";
}

export interface RunResult {
  /** Exit status, or undefined when killed by a signal or never started. */
  code: number | undefined;
  signal: string | undefined;
  timedOut: boolean;
  /** Ended through `signal`. */
  aborted?: boolean;
  /** Set when the command could not be started at all. */
  error?: string;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface ProcessRunner {
  run(req: RunRequest): Promise<RunResult>;
}

/** SIGTERM to SIGKILL when a command is ended. */
export const KILL_GRACE_MS = 5000;
/** How often an ended group is checked for members: no event says when it is empty. */
const GROUP_POLL_MS = 20;

export class BunProcessRunner implements ProcessRunner {
  async run(req: RunRequest): Promise<RunResult> {
    const started = performance.now();
    const capture = req.output === "capture";
    let proc: Bun.Subprocess;
    try {
      proc = Bun.spawn([...req.argv], {
        env: childEnv(req.env),
        cwd: req.cwd,
        detached: req.group ?? false,
        stdin: "ignore",
        stdout: capture ? "pipe" : "inherit",
        stderr: capture ? "pipe" : "inherit",
      });
    } catch (err) {
      const msg = (err as Error).message;
      return { code: undefined, signal: undefined, timedOut: false, error: msg, stdout: "", stderr: "", durationMs: 0 };
    }
    req.onStart?.(proc.pid);
    let ending: Promise<void> | undefined;
    const end = () => (ending ??= endCommand(proc, req.group ?? false, req.graceMs ?? KILL_GRACE_MS));
    let timedOut = false;
    const timer =
      req.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            end();
          }, req.timeoutMs);
    const onAbort = () => end();
    if (req.signal?.aborted) end();
    else req.signal?.addEventListener("abort", onAbort, { once: true });
    const [stdout, stderr] = capture
      ? await Promise.all([
          new Response(proc.stdout as ReadableStream).text(),
          new Response(proc.stderr as ReadableStream).text(),
        ])
      : ["", ""];
    await proc.exited;
    clearTimeout(timer);
    req.signal?.removeEventListener("abort", onAbort);
    await ending;
    return {
      code: proc.signalCode ? undefined : (proc.exitCode ?? undefined),
      signal: proc.signalCode ? String(proc.signalCode) : undefined,
      timedOut,
      aborted: !timedOut && ending !== undefined,
      stdout,
      stderr,
      durationMs: performance.now() - started,
    };
  }
}

/** SIGKILL a command's group now (the process is exiting and cannot wait). */
export function killGroupNow(pid: number): void {
  signalGroup(pid, "SIGKILL");
}

/** Our environment for a child, less what main.ts set for this process only. */
function childEnv(extra: Record<string, string> | undefined): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env, ...extra };
  if (env.SEEDWATCH_REEXEC) {
    delete env.SEEDWATCH_REEXEC;
    delete env.BUN_GC_TIMER_DISABLE;
  }
  return env;
}

/** SIGTERM, then SIGKILL to whatever is left after `graceMs`: the process, or its group. */
async function endCommand(proc: Bun.Subprocess, group: boolean, graceMs: number): Promise<void> {
  const alive = () => (group ? groupAlive(proc.pid) : proc.exitCode === null && proc.signalCode === null);
  const send = (sig: NodeJS.Signals) => (group ? signalGroup(proc.pid, sig) : proc.kill(sig));
  send("SIGTERM");
  const deadline = performance.now() + graceMs;
  while (alive()) {
    if (performance.now() >= deadline) return send("SIGKILL");
    await Bun.sleep(GROUP_POLL_MS);
  }
}

function signalGroup(pgid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pgid, sig);
  } catch {
    // ESRCH: the group is already empty
  }
}

/** Some process of the group is still running (zombies waiting for init to reap them do not count). */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  for (const name of readdirSync("/proc")) {
    if (name.charCodeAt(0) > 57) continue; // not a pid
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "latin1");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // state ppid pgrp …
      if (Number(f[2]) === pgid && f[0] !== "Z") return true;
    } catch {
      // gone meanwhile
    }
  }
  return false;
}

/** Check at start-up that a command exists, so a typo fails once instead of per event. */
export function requireCommand(argv0: string, field: string): void {
  if (argv0.includes("/") || Bun.which(argv0)) return;
  throw new ConfigError(`command not found: ${argv0}`, field, argv0, "give the full path, or check $PATH");
}
