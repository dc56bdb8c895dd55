// seedwatch run against what users write today without it:
//   inotifywait -m -r -e close_write --format '%w%f' SRC | while read f; do …; done
// Same work, one run, medians: 10,000 files through a move rule (delay 0), 1,000 events
// through a shell command, event-to-action latency, and what the shell loop gets wrong
// (files in new directories, names with newlines).
//
//   bun bench/rules.ts [--runs R] [--files N]       (writes bench/RESULTS-rules.md)
//
// incron is not compared: it watches single directories (no recursion) and Debian's
// package needs its daemon running as root, so it cannot do this work side by side.

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { generator, median, monoNs, OUT, percentile, SEEDWATCH } from "./lib.ts";

const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf("--runs") + 1]) || 3;
const FILES = Number(args[args.indexOf("--files") + 1]) || 10_000;
const gen = generator();
const work = mkdtempSync(join(OUT, "rules-"));
const tmpfs =
  process.getuid?.() === 0 &&
  Bun.spawnSync(["mount", "-t", "tmpfs", "-o", "size=2g", "seedwatch-rules", work]).exitCode === 0;
const log = (s: string) => process.stderr.write(`${s}\n`);

interface Tool {
  name: string;
  start(src: string, dst: string, action: "move" | "touch"): Promise<Bun.Subprocess<"ignore", "ignore", "pipe">>;
}

const seedwatch: Tool = {
  name: "seedwatch run",
  async start(src, dst, action) {
    const cfg = join(work, `config-${Math.random().toString(36).slice(2)}.ts`);
    const sched =
      action === "move"
        ? "new FileManagerScheduler({ rules: [new FileManagerRule({ " +
          `action: "move", src_re: "^${src}/(?<n>.*)$", dst_re: "${dst}/$<n>", auto_create: true })] })`
        : `new ShellScheduler({ cmd: ["touch", "${dst}/{name}"] })`;
    writeFileSync(
      cfg,
      `import { Pyinotifyd, Watch, FileManagerScheduler, FileManagerRule, ShellScheduler } from "seedwatch";
const s = ${sched};
export default new Pyinotifyd({
  watches: [
    new Watch({ path: "${src}", rec: true, auto_add: true, event_map: { IN_CLOSE_WRITE: s, IN_MOVED_TO: s } }),
  ],
});`,
    );
    const p = Bun.spawn(["setsid", SEEDWATCH, "run", cfg], { stdout: "ignore", stderr: "pipe" });
    await readyWhen(p, /running /);
    return p;
  },
};

const shellLoop: Tool = {
  name: "shell loop (inotifywait, while read)",
  async start(src, dst, action) {
    const body = action === "move" ? `mv -- "$f" "${dst}/"` : `touch -- "${dst}/$(basename -- "$f")"`;
    const script =
      `inotifywait -m -r -e close_write -e moved_to --format '%w%f' '${src}' | ` +
      `while IFS= read -r f; do ${body}; done`;
    const p = Bun.spawn(["setsid", "bash", "-c", script], { stdout: "ignore", stderr: "pipe" });
    await readyWhen(p, /Watches established/);
    return p;
  },
};

const TOOLS = [seedwatch, shellLoop];
const sections = [
  await throughput("move", FILES),
  await throughput("touch", 1000),
  await latency(),
  await correctness(),
];
if (tmpfs) Bun.spawnSync(["umount", work]);
rmSync(work, { recursive: true, force: true });

const when = new Date().toISOString().slice(0, 16).replace("T", " ");
const command = `bun bench/rules.ts${args.length ? ` ${args.join(" ")}` : ""}`;
const machine = `${cpus().length} × ${cpus()[0]?.model ?? "?"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`;
const versions = [
  Bun.spawnSync([SEEDWATCH, "--version"]).stdout.toString().trim(),
  Bun.spawnSync(["inotifywait", "--help"]).stdout.toString().split("\n")[0],
  Bun.spawnSync(["bash", "--version"]).stdout.toString().split("\n")[0],
].join("; ");
const report = `# Benchmarks: seedwatch run

Run ${when} UTC with \`${command}\`.

- machine: ${machine}; files on ${tmpfs ? "a private tmpfs" : "ext4 (bench/out)"}
- ${versions}

${sections.join("\n\n")}
`;
writeFileSync(join(import.meta.dir, "RESULTS-rules.md"), report);
process.stdout.write(report);

// --- sections ---

async function throughput(action: "move" | "touch", n: number): Promise<string> {
  const rows: string[] = [];
  const base: Record<string, number> = {};
  for (const tool of TOOLS) {
    const times: number[] = [];
    const cpu: number[] = [];
    const done: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const src = fresh("src");
      const dst = fresh("dst");
      const p = await tool.start(src, dst, action);
      const t0 = performance.now();
      const g = Bun.spawn([gen, "mk", src, String(n)]);
      await g.exited;
      const got = await untilCount(dst, n);
      times.push(got.at - t0);
      done.push(got.count);
      cpu.push(treeCpuMs(p.pid));
      await stop(p);
      log(`${action} ${tool.name} run ${r + 1}: ${got.count}/${n} in ${(got.at - t0).toFixed(0)} ms`);
    }
    base[tool.name] = median(times);
    rows.push(
      `| ${tool.name} | ${Math.min(...done)} / ${n} | ${median(times).toFixed(0)} ` +
        `| ${(n / (median(times) / 1000)).toFixed(0)} | ${median(cpu).toFixed(0)} |`,
    );
  }
  const ratio = base[shellLoop.name]! / base[seedwatch.name]!;
  const what =
    action === "move"
      ? `${n.toLocaleString("en")} files through a move rule (delay 0)`
      : `${n.toLocaleString("en")} events through a shell command (\`touch\` a marker per file)`;
  const verb = action === "move" ? "mv" : "touch";
  return `## ${what}

A C loop creates the files as fast as it can in the watched directory; the time runs
until every one has been acted on. CPU is that of the whole process tree (for the shell
loop: inotifywait, bash and every \`${verb}\`). ${RUNS} runs, medians. seedwatch is ${ratio.toFixed(1)}× as fast.

| tool | done (fewest of runs) | time, ms | per second | CPU, ms |
|---|---|---|---|---|
${rows.join("\n")}`;
}

async function latency(): Promise<string> {
  const rows: string[] = [];
  for (const tool of TOOLS) {
    const lat: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const src = fresh("src");
      const dst = fresh("dst");
      const p = await tool.start(src, dst, "move");
      const seen = new Map<string, bigint>();
      const { InotifyWatcher } = await import("../src/watch/inotify.ts");
      const w = new InotifyWatcher({
        onEvent: (e) =>
          void (e.names[0] === "IN_MOVED_TO" && seen.set(e.path.slice(e.path.lastIndexOf("/") + 1), monoNs())),
      });
      await w.add(dst, { recursive: false, events: ["IN_MOVED_TO"] });
      const g = Bun.spawn([gen, "lat", src, "100", "5000"]);
      await g.exited;
      const deadline = performance.now() + 10_000;
      while (seen.size < 100 && performance.now() < deadline) await Bun.sleep(2);
      for (const [name, at] of seen) lat.push(Number(at - BigInt(name)) / 1e6);
      await w.close();
      await stop(p);
    }
    rows.push(
      `| ${tool.name} | ${lat.length} | ${percentile(lat, 50).toFixed(2)} ` +
        `| ${percentile(lat, 90).toFixed(2)} | ${percentile(lat, 99).toFixed(2)} |`,
    );
  }
  return `## Event-to-action latency

One file every 5 ms (100 per run), named with its CLOCK_MONOTONIC creation time; latency
is until its move lands in the destination (seen by a separate inotify watch). ${RUNS} runs.

| tool | moves | p50, ms | p90, ms | p99, ms |
|---|---|---|---|---|
${rows.join("\n")}`;
}

async function correctness(): Promise<string> {
  const rows: string[] = [];
  for (const tool of TOOLS) {
    // 1. files in directories made a moment earlier: mkdir -p a/b/c && write a/b/c/f
    const src = fresh("src");
    const dst = fresh("dst");
    const p = await tool.start(src, dst, "touch");
    const n = 200;
    const maker = Bun.spawn([
      "bash",
      "-c",
      `for i in $(seq 1 ${n}); do mkdir -p "${src}/t$i/a/b" && echo x > "${src}/t$i/a/b/f$i"; done`,
    ]);
    await maker.exited;
    const got = await untilCount(dst, n, 3000);
    // 2. a name with a newline, and one with a leading dash
    writeFileSync(join(src, "two\nlines"), "x");
    writeFileSync(join(src, "-rf"), "x");
    const deadline = performance.now() + 3000;
    const both = () => existsSync(join(dst, "two\nlines")) && existsSync(join(dst, "-rf"));
    while (!both() && performance.now() < deadline) await Bun.sleep(10);
    rows.push(
      `| ${tool.name} | ${got.count} / ${n} ` +
        `| ${existsSync(join(dst, "two\nlines")) ? "yes" : "no"} | ${existsSync(join(dst, "-rf")) ? "yes" : "no"} |`,
    );
    await stop(p);
  }
  return `## What each one gets right

${200} times \`mkdir -p t$i/a/b && echo x > t$i/a/b/f$i\`, then a file named "two\\nlines"
and one named "-rf"; each tool touches a marker per file it saw (\`touch DST/<name>\`).

| tool | files in new directories acted on | "two\\nlines" | "-rf" |
|---|---|---|---|
${rows.join("\n")}

The shell loop misses files written before inotifywait has added a watch on their new
directory (inotifywait's man page calls this race "probably not fixable"), and \`read\`
splits a name at its newline. seedwatch watches a new directory first, then lists it.`;
}

// --- helpers ---

function fresh(name: string): string {
  const d = join(work, `${name}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(d, { recursive: true });
  return d;
}

function countFiles(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) n++;
  return n;
}

async function untilCount(dir: string, n: number, quietMs = 5000): Promise<{ count: number; at: number }> {
  let last = -1;
  let since = performance.now();
  let at = performance.now();
  for (;;) {
    const c = countFiles(dir);
    if (c !== last) {
      last = c;
      since = at = performance.now();
    }
    if (c >= n || performance.now() - since > quietMs) return { count: c, at };
    await Bun.sleep(5);
  }
}

/** Wait for the tool's "watches are in place" line on stderr (then keep draining it). */
async function readyWhen(p: Bun.Subprocess<"ignore", "ignore", "pipe">, re: RegExp): Promise<void> {
  const reader = p.stderr.getReader();
  let text = "";
  const deadline = performance.now() + 30_000;
  while (!re.test(text)) {
    const { value, done } = await reader.read();
    if (done || performance.now() > deadline) throw new Error(`tool not ready (exit ${p.exitCode}): ${text}`);
    text += new TextDecoder().decode(value);
  }
  void (async () => {
    while (!(await reader.read()).done);
  })();
}

/** utime+stime+cutime+cstime of every process in the tool's session, in ms. */
function treeCpuMs(sid: number): number {
  let ticks = 0;
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(f[3]) !== sid) continue; // field 6: session
      ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    } catch {
      // gone meanwhile
    }
  }
  return ticks * 10;
}

async function stop(p: Bun.Subprocess<"ignore", "ignore", "pipe">): Promise<void> {
  try {
    process.kill(-p.pid, "SIGTERM");
  } catch {
    p.kill("SIGTERM");
  }
  await p.exited;
}
