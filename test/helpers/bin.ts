// Spawning the compiled binary as a user would, and reading what it prints.

import { chmodSync, copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { waitFor } from "./wait.ts";

export const BIN = resolve(process.env.SEEDWATCH_BIN ?? `${import.meta.dir}/../../dist/seedwatch`);

export interface Done {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run to completion. `prefix` wraps the command (setpriv, unshare …); `bin` replaces BIN. */
export function runBin(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; prefix?: string[]; bin?: string; timeoutMs?: number } = {},
): Done {
  const r = Bun.spawnSync([...(opts.prefix ?? []), opts.bin ?? BIN, ...args], {
    cwd: opts.cwd,
    env: { ...process.env, NO_COLOR: "1", ...opts.env },
    stdout: "pipe",
    stderr: "pipe",
    ...(opts.timeoutMs ? { timeout: opts.timeoutMs } : {}),
  });
  const code = r.exitCode ?? (r.signalCode ? -1 : -1);
  return {
    code,
    stdout: r.stdout.toString(),
    stderr: `${r.stderr.toString()}${r.signalCode ? `\n[killed by ${r.signalCode}]` : ""}`,
  };
}

let shared: string | undefined;

/**
 * A copy of the binary that any user can run, wherever the checkout lies (a clone in
 * /root or in a 0700 temp folder is out of reach for `nobody`). Made once per test process.
 */
export function binForAnyone(): string {
  if (shared) return shared;
  const dir = mkdtempSync(join(tmpdir(), "seedwatch-bin-"));
  chmodSync(dir, 0o755);
  copyFileSync(BIN, join(dir, "seedwatch"));
  chmodSync(join(dir, "seedwatch"), 0o755);
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  return (shared = join(dir, "seedwatch"));
}

/** setpriv arguments that run a command as nobody (uid and gid 65534, no groups). */
export const AS_NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"];

/** A running seedwatch: its output so far, waits on it, and a way to stop it. */
export class Running implements AsyncDisposable {
  readonly proc: Bun.Subprocess<"ignore", "pipe", "pipe">;
  stdoutBytes: Uint8Array = new Uint8Array(0);
  stderr = "";
  private readonly pumps: Promise<void>[];

  constructor(
    args: string[],
    opts: { cwd?: string; env?: Record<string, string>; prefix?: string[]; bin?: string } = {},
  ) {
    this.proc = Bun.spawn([...(opts.prefix ?? []), opts.bin ?? BIN, ...args], {
      cwd: opts.cwd,
      env: { ...process.env, NO_COLOR: "1", ...opts.env },
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    this.pumps = [
      pump(this.proc.stdout, (b) => (this.stdoutBytes = concat(this.stdoutBytes, b))),
      pump(this.proc.stderr, (b) => (this.stderr += new TextDecoder().decode(b))),
    ];
  }

  get stdout(): string {
    return new TextDecoder().decode(this.stdoutBytes);
  }

  lines(): string[] {
    return this.stdout.split("\n").filter(Boolean);
  }

  /** Wait until the watcher has said it is watching (its start-up log line). */
  ready(): Promise<string> {
    return this.waitStderr(/watching \d+ director/, "ready");
  }

  waitStderr(re: RegExp, label: string, timeoutMs?: number): Promise<string> {
    return waitFor(
      () => re.exec(this.stderr)?.[0] ?? (this.proc.exitCode !== null ? this.fail(label) : undefined),
      label,
      timeoutMs,
    );
  }

  waitLine(pred: (line: string) => boolean, label: string, timeoutMs?: number): Promise<string> {
    return waitFor(
      () => this.lines().find(pred) ?? (this.proc.exitCode !== null ? this.fail(label) : undefined),
      label,
      timeoutMs,
    );
  }

  /** Wait for exit (after a signal, if given) and for all output. */
  async stop(signal?: NodeJS.Signals): Promise<number> {
    if (signal && this.proc.exitCode === null) this.proc.kill(signal);
    const code = await this.proc.exited;
    await Promise.all(this.pumps);
    return code;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.proc.exitCode === null) this.proc.kill("SIGKILL");
    await this.proc.exited;
  }

  private fail(label: string): never {
    throw new Error(
      `seedwatch exited (${this.proc.exitCode}) before: ${label}\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`,
    );
  }
}

async function pump(stream: ReadableStream<Uint8Array>, onChunk: (b: Uint8Array) => void): Promise<void> {
  for await (const chunk of stream) onChunk(chunk);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
