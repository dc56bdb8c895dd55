// ProcessRunner: how seedwatch starts user commands. Always an argv array, never a shell
// string assembled from file names. The fake in test/fakes records requests.

import { ConfigError } from "../errors.ts";

export interface RunRequest {
  argv: readonly string[];
  env?: Record<string, string>;
  cwd?: string;
  /** Kill with SIGTERM after this long (then SIGKILL 5 s later). */
  timeoutMs?: number;
  /** "inherit": the command writes to our stdout/stderr; "capture": returned as text. */
  output?: "inherit" | "capture";
}

export interface RunResult {
  /** Exit status, or undefined when killed by a signal or never started. */
  code: number | undefined;
  signal: string | undefined;
  timedOut: boolean;
  /** Set when the command could not be started at all. */
  error?: string;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface ProcessRunner {
  run(req: RunRequest): Promise<RunResult>;
}

export class BunProcessRunner implements ProcessRunner {
  async run(req: RunRequest): Promise<RunResult> {
    const started = performance.now();
    const capture = req.output === "capture";
    let proc: Bun.Subprocess;
    try {
      proc = Bun.spawn([...req.argv], {
        env: childEnv(req.env),
        cwd: req.cwd,
        stdin: "ignore",
        stdout: capture ? "pipe" : "inherit",
        stderr: capture ? "pipe" : "inherit",
      });
    } catch (err) {
      const msg = (err as Error).message;
      return { code: undefined, signal: undefined, timedOut: false, error: msg, stdout: "", stderr: "", durationMs: 0 };
    }
    let timedOut = false;
    let killTimer: ReturnType<typeof setTimeout> | undefined;
    const timer =
      req.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            proc.kill("SIGTERM");
            killTimer = setTimeout(() => proc.kill("SIGKILL"), 5000);
          }, req.timeoutMs);
    const [stdout, stderr] = capture
      ? await Promise.all([new Response(proc.stdout as ReadableStream).text(), new Response(proc.stderr as ReadableStream).text()])
      : ["", ""];
    await proc.exited;
    clearTimeout(timer);
    clearTimeout(killTimer);
    return {
      code: proc.signalCode ? undefined : (proc.exitCode ?? undefined),
      signal: proc.signalCode ? String(proc.signalCode) : undefined,
      timedOut,
      stdout,
      stderr,
      durationMs: performance.now() - started,
    };
  }
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

/** Check at start-up that a command exists, so a typo fails once instead of per event. */
export function requireCommand(argv0: string, field: string): void {
  if (argv0.includes("/") || Bun.which(argv0)) return;
  throw new ConfigError(`command not found: ${argv0}`, field, argv0, "give the full path, or check $PATH");
}
