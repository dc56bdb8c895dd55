// Shared pieces of the benchmarks: the C generator, the clock, /proc readings, and a
// watcher process whose output is counted as it arrives.

import { dlopen, ptr } from "bun:ffi";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const BENCH = import.meta.dir;
export const OUT = join(BENCH, "out");
export const SEEDWATCH = process.env.SEEDWATCH_BIN ?? join(BENCH, "..", "dist", "seedwatch");

const libc = dlopen("libc.so.6", { clock_gettime: { args: ["i32", "ptr"], returns: "i32" } }).symbols;
const ts = new BigInt64Array(2);

/** CLOCK_MONOTONIC in ns: the same clock as `gen lat` file names. */
export function monoNs(): bigint {
  libc.clock_gettime(1, ptr(ts));
  return ts[0]! * 1_000_000_000n + ts[1]!;
}

/** Compile bench/gen.c once. */
export function generator(): string {
  mkdirSync(OUT, { recursive: true });
  const bin = join(OUT, "gen");
  const r = Bun.spawnSync(["cc", "-O2", "-o", bin, join(BENCH, "gen.c")]);
  if (r.exitCode !== 0) throw new Error(`cc failed: ${r.stderr}`);
  return bin;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

const TICK_MS = 1000 / 100; // USER_HZ

/** utime + stime of a process, in ms (10 ms resolution). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) * TICK_MS;
}

/** CPU time of all threads of a process in ms, to the nanosecond (from each task's schedstat). */
export function cpuPreciseMs(pid: number): number {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
  }
  return ns / 1e6;
}

/** A /proc/PID/status field in MiB (VmRSS, VmHWM). */
export function memMiB(pid: number, field: "VmRSS" | "VmHWM"): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

export interface Tool {
  name: string;
  /** argv to watch DIR recursively for `events`, printing one full path per line. */
  argv(dir: string, events: string[]): string[];
  /** A stderr line that means the watches are in place. */
  ready: RegExp;
}

export const TOOLS: Tool[] = [
  {
    name: "seedwatch",
    argv: (dir, events) => [SEEDWATCH, "watch", "-r", "-e", events.join(","), "--format", "%w%f", dir],
    ready: /watching \d+ director/,
  },
  {
    name: "inotifywait",
    argv: (dir, events) => ["inotifywait", "-m", "-r", "-e", events.join(","), "--format", "%w%f", dir],
    ready: /Watches established/,
  },
];

/** A watcher process whose stdout lines are counted (and optionally kept) as they arrive. */
export class Watching {
  readonly proc: Bun.Subprocess<"ignore", "pipe", "pipe">;
  lines = 0;
  lastLineAt = 0;
  stderr = "";
  readonly kept: { line: string; at: bigint }[] = [];
  private readonly done: Promise<void>;
  private partial = "";

  constructor(
    argv: string[],
    private readonly keep = false,
  ) {
    this.proc = Bun.spawn(argv, {
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
      env: { ...process.env, NO_COLOR: "1" },
    });
    this.done = Promise.all([this.readOut(), this.readErr()]).then(() => {});
  }

  get pid(): number {
    return this.proc.pid;
  }

  async ready(re: RegExp, timeoutMs = 120_000): Promise<number> {
    const start = performance.now();
    while (!re.test(this.stderr)) {
      if (this.proc.exitCode !== null) throw new Error(`watcher exited: ${this.stderr}`);
      if (performance.now() - start > timeoutMs) throw new Error(`not ready after ${timeoutMs} ms: ${this.stderr}`);
      await Bun.sleep(1);
    }
    return performance.now() - start;
  }

  /** Wait until `n` lines arrived, or nothing new came for `quietMs`. */
  async until(n: number, quietMs = 3000): Promise<void> {
    let seen = -1;
    let since = performance.now();
    while (this.lines < n) {
      if (this.lines !== seen) {
        seen = this.lines;
        since = performance.now();
      } else if (performance.now() - since > quietMs) return;
      await Bun.sleep(2);
    }
  }

  async stop(): Promise<void> {
    this.proc.kill("SIGTERM");
    await this.proc.exited;
    await this.done;
  }

  private async readOut(): Promise<void> {
    const dec = new TextDecoder();
    for await (const chunk of this.proc.stdout) {
      const at = this.keep ? monoNs() : 0n;
      let nl = 0;
      for (const b of chunk) if (b === 10) nl++;
      if (nl) this.lastLineAt = performance.now();
      this.lines += nl;
      if (!this.keep) continue;
      const text = this.partial + dec.decode(chunk, { stream: true });
      const parts = text.split("\n");
      this.partial = parts.pop()!;
      for (const line of parts) this.kept.push({ line, at });
    }
  }

  private async readErr(): Promise<void> {
    for await (const chunk of this.proc.stderr) this.stderr += new TextDecoder().decode(chunk);
  }
}
