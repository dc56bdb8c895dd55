// The mirrors bench/mirror.ts races: seedwatch's Mirror, lsyncd 2.2 (default.rsync and
// default.direct, delay 0) and a plain `rsync -a --delete` run when asked. Each runs in
// its own session (setsid) so that its CPU and memory include the rsync/cp it spawns.

import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SEEDWATCH } from "./lib.ts";

/** A mirror running (or, for rsync -a, ready to be run) from SRC to DST. */
export interface Mirroring {
  /** The session's id (its leader's pid); 0 for rsync -a between runs. */
  sid: number;
  /** After a change: what a user of this tool does to propagate it (rsync -a: run it). */
  propagate(): Promise<void>;
  /** CPU (ms) and summed RSS (MiB) of the session so far; rsync -a: of its runs. */
  cpuMs(): number;
  peakRssMiB(): number;
  /** What the daemon printed (the last 100 kB). */
  output(): string;
  /** SIGTERM to the session, SIGKILL 5 s later (lsyncd can hang after resetting itself). */
  stop(): Promise<void>;
}

export interface MirrorTool {
  name: string;
  /** Start mirroring; resolves when the tool says its initial sync is done. */
  start(src: string, dst: string, work: string): Promise<Mirroring>;
  version(): string;
}

export const seedwatchMirror: MirrorTool = {
  name: "seedwatch Mirror",
  async start(src, dst, work) {
    const cfg = join(work, `mirror-${Math.random().toString(36).slice(2)}.ts`);
    writeFileSync(
      cfg,
      `import { Pyinotifyd, Watch, Mirror } from "seedwatch";
export default new Pyinotifyd({ watches: [new Watch({ path: ${JSON.stringify(src)}, rec: true, auto_add: true,
  plugins: [new Mirror({ destination: ${JSON.stringify(dst)} })] })] });`,
    );
    return daemon(["setsid", SEEDWATCH, "run", cfg], /mirror: .* compared in/);
  },
  version: () => Bun.spawnSync([SEEDWATCH, "--version"]).stdout.toString().trim(),
};

/** lsyncd with one of its layers, delay 0 (its minimum), archive mode as a mirror needs. */
function lsyncd(layer: "rsync" | "direct"): MirrorTool {
  return {
    name: `lsyncd default.${layer}`,
    async start(src, dst, work) {
      const cfg = join(work, `lsyncd-${Math.random().toString(36).slice(2)}.lua`);
      writeFileSync(
        cfg,
        `settings { nodaemon = true, insist = false }
sync { default.${layer}, source = ${JSON.stringify(src)},
  target = ${JSON.stringify(dst)}, delay = 0${layer === "rsync" ? ", rsync = { archive = true }" : ""} }
`,
      );
      return daemon(["setsid", "lsyncd", "-log", "Normal", cfg], /Startup of .* finished/);
    },
    version: () =>
      `lsyncd ${Bun.spawnSync(["lsyncd", "--version"]).stdout.toString().replace("Version:", "").trim()} ` +
      `(default.${layer})`,
  };
}
export const lsyncdRsync = lsyncd("rsync");
export const lsyncdDirect = lsyncd("direct");

/** `rsync -a --delete SRC/ DST/`, run once at start and once per propagate(). */
export const rsyncA: MirrorTool = {
  name: "rsync -a",
  async start(src, dst) {
    let cpu = 0;
    let peak = 0;
    const run = async () => {
      const p = Bun.spawn(["rsync", "-a", "--delete", `${src}/`, `${dst}/`], { stdout: "ignore", stderr: "inherit" });
      const sampler = sampleRss(p.pid, (mib) => (peak = Math.max(peak, mib)));
      await p.exited;
      clearInterval(sampler);
      const u = p.resourceUsage();
      cpu += u ? Number(u.cpuTime.total) / 1000 : 0;
      peak = Math.max(peak, u ? u.maxRSS / 1024 / 1024 : 0);
      if (p.exitCode !== 0) throw new Error(`rsync exited ${p.exitCode}`);
    };
    await run();
    return {
      sid: 0,
      propagate: run,
      cpuMs: () => cpu,
      peakRssMiB: () => peak,
      output: () => "",
      stop: async () => {},
    };
  },
  version: () => Bun.spawnSync(["rsync", "--version"]).stdout.toString().split("\n")[0]!.trim(),
};

export const MIRROR_TOOLS = [seedwatchMirror, lsyncdRsync, lsyncdDirect, rsyncA];

// --- internal ---

/** Spawn a daemon in its own session; ready when its output matches `ready`. */
async function daemon(argv: string[], ready: RegExp): Promise<Mirroring> {
  const p = Bun.spawn(argv, {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, NO_COLOR: "1" },
  });
  let text = "";
  let peak = 0;
  const sampler = sampleRss(p.pid, (mib) => (peak = Math.max(peak, mib)));
  const drain = async (s: ReadableStream<Uint8Array>) => {
    for await (const c of s) text = (text + new TextDecoder().decode(c)).slice(-100_000);
  };
  void drain(p.stdout);
  void drain(p.stderr);
  const deadline = performance.now() + 600_000;
  while (!ready.test(text)) {
    if (p.exitCode !== null || performance.now() > deadline)
      throw new Error(`${argv[1]} not ready (exit ${p.exitCode}): ${text.slice(-2000)}`);
    await Bun.sleep(5);
  }
  return {
    sid: p.pid,
    propagate: async () => {},
    cpuMs: () => sessionCpuMs(p.pid),
    peakRssMiB: () => peak,
    output: () => text,
    stop: async () => {
      clearInterval(sampler);
      const signal = (sig: NodeJS.Signals) => {
        try {
          process.kill(-p.pid, sig);
        } catch {
          p.kill(sig);
        }
      };
      signal("SIGTERM");
      const killer = setTimeout(() => signal("SIGKILL"), 5000);
      await p.exited;
      clearTimeout(killer);
    },
  };
}

/** Every 50 ms, the summed VmRSS of a session (a process and what it spawned). */
function sampleRss(sid: number, onSample: (mib: number) => void): ReturnType<typeof setInterval> {
  return setInterval(() => {
    let kb = 0;
    for (const pid of sessionPids(sid)) {
      try {
        kb += Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
      } catch {
        // gone meanwhile
      }
    }
    onSample(kb / 1024);
  }, 50);
}

/** utime+stime+cutime+cstime of every process in a session, in ms (children it reaped included). */
export function sessionCpuMs(sid: number): number {
  let ticks = 0;
  for (const pid of sessionPids(sid)) {
    try {
      const f = stat(pid);
      ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    } catch {
      // gone meanwhile
    }
  }
  return ticks * 10;
}

function sessionPids(sid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (Number(d) === sid || Number(stat(Number(d))[3]) === sid) out.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** /proc/PID/stat fields after the command (index 0 = state). */
function stat(pid: number): string[] {
  const s = readFileSync(`/proc/${pid}/stat`, "utf8");
  return s.slice(s.lastIndexOf(")") + 2).split(" ");
}
