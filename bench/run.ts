// seedwatch against inotifywait: the same work, side by side, in one run; medians and
// ratios go to bench/RESULTS.md with the machine and versions.
//
//   bun bench/run.ts [--quick] [--runs N] [--only startup,burst,setup,idle,latency]
//
// Needs: dist/seedwatch (npm run build), inotifywait (apt-get install inotify-tools), cc.
// As root it runs the burst and setup on a private tmpfs (ext4 with discard makes file
// creation 3-10x slower and noisy, which would measure the disk, not the watchers).

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { buildVariants, startup } from "./startup.ts";
import { cpuMs, cpuPreciseMs, generator, median, memMiB, OUT, percentile, SEEDWATCH, TOOLS, Watching } from "./lib.ts";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const runs = Number(args[args.indexOf("--runs") + 1]) || (quick ? 1 : 3);
const only = args.includes("--only")
  ? args[args.indexOf("--only") + 1]!.split(",")
  : ["startup", "burst", "setup", "idle", "latency"];
const BURST = quick ? 20_000 : 200_000;
const SETUPS = quick ? [10_000] : [10_000, 100_000];
const IDLE_S = quick ? 3 : 10;
const SETTLE_S = 2;

const gen = generator();
const scratch = scratchDir();
const sections: string[] = [];
const log = (s: string) => process.stderr.write(`${s}\n`);

if (only.includes("startup")) sections.push(await startup(buildVariants(), quick ? 10 : 30));
if (only.includes("burst")) sections.push(await burst());
if (only.includes("setup")) sections.push(await setup());
if (only.includes("idle")) sections.push(await idle());
if (only.includes("latency")) sections.push(await latency());
cleanup();

const report = `# Benchmarks

${header()}

${sections.join("\n\n")}
`;
// Only a full run replaces RESULTS.md; --quick, --only and --runs write beside it in out/.
const partial = quick || args.includes("--only") || args.includes("--runs");
writeFileSync(join(import.meta.dir, partial ? "out/RESULTS-partial.md" : "RESULTS.md"), report);
process.stdout.write(report);

// --- sections ---

async function burst(): Promise<string> {
  const rows: string[] = [];
  const results: Record<string, { ms: number[]; cpu: number[]; rss: number[]; got: number[] }> = {};
  for (let r = 0; r < runs; r++) {
    for (const tool of TOOLS) {
      const dir = fresh(`burst-${tool.name}`);
      const w = new Watching(tool.argv(dir, ["create", "close_write"]));
      await w.ready(tool.ready);
      const cpu0 = cpuMs(w.pid);
      const t0 = performance.now();
      // Async, so this process keeps draining the watcher's stdout meanwhile: a blocked
      // pipe would stall the watcher and overflow its kernel queue (measuring us, not it).
      const g = Bun.spawn([gen, "mk", dir, String(BURST)], { stderr: "pipe" });
      if ((await g.exited) !== 0) throw new Error(`gen failed: ${await new Response(g.stderr).text()}`);
      const genMs = performance.now() - t0;
      await w.until(2 * BURST);
      const res = (results[tool.name] ??= { ms: [], cpu: [], rss: [], got: [] });
      res.ms.push(w.lastLineAt - t0);
      res.cpu.push(cpuMs(w.pid) - cpu0);
      res.rss.push(memMiB(w.pid, "VmHWM"));
      res.got.push(w.lines);
      await w.stop();
      rmSync(dir, { recursive: true, force: true });
      log(
        `burst ${tool.name} run ${r + 1}: ${w.lines}/${2 * BURST} lines, ` +
          `last after ${(w.lastLineAt - t0).toFixed(0)} ms (generator ${genMs.toFixed(0)} ms)`,
      );
    }
  }
  const base = results.inotifywait!;
  for (const [name, r] of Object.entries(results)) {
    const ratio = median(r.ms) / median(base.ms);
    rows.push(
      `| ${name} | ${Math.min(...r.got)} / ${2 * BURST} | ${median(r.ms).toFixed(0)} | ${ratio.toFixed(2)} ` +
        `| ${median(r.cpu).toFixed(0)} | ${median(r.rss).toFixed(1)} |`,
    );
  }
  const events = (2 * BURST).toLocaleString("en");
  return `## Burst: ${BURST.toLocaleString("en")} files created as fast as a C loop can (${events} events)

Both watch \`-r -e create,close_write --format '%w%f'\`; one line per event is counted as it
arrives. Time is from the generator's start to the last line. ${runs} run(s), medians.

| tool | lines (fewest of runs) | time to last event, ms | vs inotifywait | CPU, ms | peak RSS, MiB |
|---|---|---|---|---|---|
${rows.join("\n")}`;
}

async function setup(): Promise<string> {
  const rows: string[] = [];
  for (const n of SETUPS) {
    const dir = fresh(`setup-${n}`);
    const width = Math.round(Math.sqrt(n));
    for (let i = 0; i < width; i++)
      for (let j = 0; j < Math.ceil(n / width); j++) mkdirSync(join(dir, `d${i}`, `e${j}`), { recursive: true });
    const times: Record<string, number[]> = {};
    const rss: Record<string, number[]> = {};
    for (let r = 0; r < runs; r++) {
      for (const tool of TOOLS) {
        const w = new Watching(tool.argv(dir, ["create"]));
        (times[tool.name] ??= []).push(await w.ready(tool.ready));
        (rss[tool.name] ??= []).push(memMiB(w.pid, "VmRSS"));
        await w.stop();
      }
    }
    for (const tool of TOOLS) {
      const ratio = median(times[tool.name]!) / median(times.inotifywait!);
      rows.push(
        `| ${n.toLocaleString("en")} | ${tool.name} | ${median(times[tool.name]!).toFixed(0)} ` +
          `| ${ratio.toFixed(2)} | ${median(rss[tool.name]!).toFixed(1)} |`,
      );
    }
    rmSync(dir, { recursive: true, force: true });
    log(`setup ${n}: done`);
  }
  return `## Recursive setup

From spawning the watcher to its "watches are in place" line (seedwatch: \`watching N
directories\`; inotifywait: \`Watches established.\`), over a tree of directories, warm
cache. RSS is read at that moment. ${runs} run(s), medians.

| directories | tool | time, ms | vs inotifywait | RSS, MiB |
|---|---|---|---|---|
${rows.join("\n")}`;
}

async function idle(): Promise<string> {
  const dir = fresh("idle");
  const procs = TOOLS.map((t) => ({ name: t.name, w: new Watching(t.argv(dir, ["create"])), tool: t }));
  for (const p of procs) await p.w.ready(p.tool.ready);
  const empty = Bun.spawn(["sleep", String(IDLE_S + 10)]);
  await Bun.sleep(SETTLE_S * 1000); // start-up's tail (a GC after loading) is not idling
  const pids: [string, number][] = [
    ...procs.map((p) => [p.name, p.w.pid] as [string, number]),
    ["sleep (empty process)", empty.pid],
  ];
  const start = new Map(pids.map(([name, pid]) => [name, cpuPreciseMs(pid)]));
  await Bun.sleep(IDLE_S * 1000);
  const rows = pids.map(([name, pid]) => `| ${name} | ${(cpuPreciseMs(pid) - start.get(name)!).toFixed(2)} |`);
  for (const p of procs) await p.w.stop();
  empty.kill();
  return `## Idle CPU

Each watches an empty directory; CPU time of all its threads (from
/proc/PID/task/*/schedstat, in ns) over ${IDLE_S} s, starting ${SETTLE_S} s after it is
ready, measured at the same time for all.

| process | CPU over ${IDLE_S} s, ms |
|---|---|
${rows.join("\n")}`;
}

async function latency(): Promise<string> {
  const rows: string[] = [];
  const n = quick ? 100 : 200;
  for (const tool of TOOLS) {
    const all: number[] = [];
    for (let r = 0; r < runs; r++) {
      const dir = fresh(`lat-${tool.name}`);
      const w = new Watching(tool.argv(dir, ["create"]), true);
      await w.ready(tool.ready);
      const g = Bun.spawn([gen, "lat", dir, String(n), "5000"]);
      await g.exited;
      await w.until(n);
      for (const { line, at } of w.kept) all.push(Number(at - BigInt(line.slice(line.lastIndexOf("/") + 1))) / 1000);
      await w.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    rows.push(
      `| ${tool.name} | ${all.length} | ${percentile(all, 50).toFixed(0)} ` +
        `| ${percentile(all, 90).toFixed(0)} | ${percentile(all, 99).toFixed(0)} |`,
    );
  }
  return `## Event latency

One file every 5 ms, ${n} per run, named with its CLOCK_MONOTONIC creation time; latency
is the time its line reached the benchmark (same clock, read through FFI). ${runs} run(s).

| tool | events | p50, µs | p90, µs | p99, µs |
|---|---|---|---|---|
${rows.join("\n")}`;
}

// --- setup ---

function header(): string {
  const sw = Bun.spawnSync([SEEDWATCH, "--version"]).stdout.toString().trim();
  const iw = Bun.spawnSync(["inotifywait", "--help"]).stdout.toString().split("\n")[0];
  const kernel = Bun.spawnSync(["uname", "-r"]).stdout.toString().trim();
  const when = new Date().toISOString().slice(0, 16).replace("T", " ");
  const command = `bun bench/run.ts${args.length ? ` ${args.join(" ")}` : ""}`;
  return `Run ${when} UTC with \`${command}\`.

- machine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${kernel}
- files on: ${scratch.tmpfs ? "a private tmpfs" : `${scratch.path} (not tmpfs: not root)`}
- ${sw}; ${iw}`;
}

function scratchDir(): { path: string; tmpfs: boolean } {
  mkdirSync(OUT, { recursive: true });
  const path = mkdtempSync(join(OUT, "scratch-"));
  const m =
    process.getuid?.() === 0
      ? Bun.spawnSync(["mount", "-t", "tmpfs", "-o", "size=4g", "seedwatch-bench", path])
      : undefined;
  return { path, tmpfs: m?.exitCode === 0 };
}

function fresh(name: string): string {
  const dir = join(scratch.path, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

function cleanup(): void {
  if (scratch.tmpfs) Bun.spawnSync(["umount", scratch.path]);
  rmSync(scratch.path, { recursive: true, force: true });
}
