// Scribe against `inotifywait -m -r -o FILE`: a burst of events (a C loop creating files,
// two events each: IN_CREATE and IN_CLOSE_WRITE) logged to a file, with nothing lost. The
// time runs from the loop's start until the file holds a line for every event.
// Used by bench/mirror.ts, which writes the report.
//
// Alone, it measures the path from the engine to Scribe's log in-process, without the
// kernel (Supervisor → RouteTable → WatchPlugins → Scribe → LogWriter to a file), as CPU
// per event, the median of RUNS:
//   bun bench/scribe-bench.ts [EVENTS] [RUNS]

import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { realClock } from "../src/clock.ts";
import { type FsEvent, fsEvent } from "../src/events/index.ts";
import type { PluginSpec } from "../src/plugins/config.ts";
import { PluginRuntime } from "../src/plugins/runtime.ts";
import { SCRIBE } from "../src/plugins/scribe/scribe.ts";
import { WatchPlugins } from "../src/plugins/watch-service.ts";
import { Supervisor, type Service } from "../src/supervisor/index.ts";
import type { Watcher, WatcherHandlers } from "../src/watch/index.ts";
import { cpuMs, median, memMiB, SEEDWATCH } from "./lib.ts";

/** The events Scribe logs by default; inotifywait is asked for the same. */
const EVENTS = ["create", "attrib", "close_write", "moved_from", "moved_to", "delete"];

interface Logger {
  name: string;
  start(dir: string, logFile: string, work: string): Promise<Bun.Subprocess<"ignore", "ignore", "pipe">>;
  /** Lines in the log that are events (not Scribe's WATCH STARTED). */
  eventLines(text: string): number;
}

const scribe: Logger = {
  name: "seedwatch Scribe",
  async start(dir, logFile, work) {
    const cfg = join(work, `scribe-${Math.random().toString(36).slice(2)}.ts`);
    writeFileSync(
      cfg,
      `import { Pyinotifyd, Watch, Scribe } from "seedwatch";
export default new Pyinotifyd({ watches: [new Watch({ path: ${JSON.stringify(dir)}, rec: true, auto_add: true,
  plugins: [new Scribe({ log: ${JSON.stringify(logFile)} })] })] });`,
    );
    const p = Bun.spawn([SEEDWATCH, "run", cfg], { stdin: "ignore", stdout: "ignore", stderr: "pipe" });
    void (async () => {
      for await (const _ of p.stderr);
    })();
    await until(() => safeRead(logFile).includes("WATCH STARTED"), p);
    return p;
  },
  eventLines: (text) => text.split("\n").filter((l) => / was (CREATED|CLOSED)$/.test(l)).length,
};

const inotifywait: Logger = {
  name: "inotifywait -m -r -o FILE",
  async start(dir, logFile) {
    const argv = ["inotifywait", "-m", "-r", "-o", logFile, ...EVENTS.flatMap((e) => ["-e", e]), dir];
    const p = Bun.spawn(argv, { stdin: "ignore", stdout: "ignore", stderr: "pipe" });
    let err = "";
    void (async () => {
      for await (const c of p.stderr) err += new TextDecoder().decode(c);
    })();
    await until(() => err.includes("Watches established"), p);
    return p;
  },
  eventLines: (text) => text.split("\n").filter((l) => / (CREATE|CLOSE_WRITE,CLOSE) /.test(l)).length,
};

/** The Scribe section of RESULTS-mirror.md. */
export async function scribeBurst(work: string, gen: string, events: number, runs: number): Promise<string> {
  const files = events / 2;
  const rows: string[] = [];
  const times: Record<string, number> = {};
  for (const tool of [scribe, inotifywait]) {
    const ms: number[] = [];
    const cpu: number[] = [];
    const rss: number[] = [];
    const got: number[] = [];
    for (let r = 0; r < runs; r++) {
      const dir = join(work, `scribe-${r}-${tool === scribe ? "s" : "i"}`);
      mkdirSync(dir);
      const logFile = join(work, `scribe-${r}-${tool === scribe ? "s" : "i"}.log`);
      const p = await tool.start(dir, logFile, work);
      const cpu0 = cpuMs(p.pid);
      const lines = new LineCount(logFile);
      const base = lines.now();
      const t0 = performance.now();
      await Bun.spawn([gen, "mk", dir, String(files)]).exited;
      const at = await lines.until(base + events);
      ms.push(at - t0);
      cpu.push(cpuMs(p.pid) - cpu0);
      rss.push(memMiB(p.pid, "VmHWM"));
      p.kill("SIGTERM");
      await p.exited;
      got.push(tool.eventLines(readFileSync(logFile, "utf8")));
      process.stderr.write(`${tool.name} run ${r + 1}: ${got.at(-1)}/${events} lines in ${(at - t0).toFixed(0)} ms\n`);
    }
    times[tool.name] = median(ms);
    const lost = Math.min(...got) < events ? " (lines lost: the time of the last line)" : "";
    rows.push(
      `| ${tool.name} | ${Math.min(...got).toLocaleString("en")} / ${events.toLocaleString("en")} ` +
        `| ${(median(ms) / 1000).toFixed(2)}${lost} ` +
        `| ${(median(cpu) / 1000).toFixed(2)} | ${median(rss).toFixed(0)} |`,
    );
  }
  const ratio = times[inotifywait.name]! / times[scribe.name]!;
  return `## Scribe: a burst of ${events.toLocaleString("en")} events logged to a file

A C loop creates ${files.toLocaleString("en")} files as fast as it can in the watched directory
(IN_CREATE and IN_CLOSE_WRITE each); both log Scribe's default events (create, attrib,
close_write, moves, delete) to a file on the same filesystem. The time runs until the log
holds a line for every event; lines are then counted by their event (fewest of the runs).
seedwatch takes ${(1 / ratio).toFixed(2)}× inotifywait's time.

| tool | event lines logged | seconds | CPU, s | peak RSS, MiB |
|---|---|---|---|---|
${rows.join("\n")}`;
}

/**
 * CPU µs per event from the supervisor to Scribe's log file, in this process: `events`
 * events (IN_CREATE and IN_CLOSE_WRITE of 1,000 files, over and over) handed to the
 * supervisor as the watcher would, with the services `seedwatch run` has beside the
 * plugins (one on the root, two on its parent); one number per run.
 */
export async function scribePathCpu(events: number, runs: number): Promise<number[]> {
  const out: number[] = [];
  for (let r = 0; r < runs; r++) {
    const work = mkdtempSync(join(process.env.TMPDIR ?? tmpdir(), "scribe-path-"));
    const root = join(work, "w");
    let handlers: WatcherHandlers | undefined;
    const watcher = { add: async () => {}, remove() {}, roots: () => [], close: async () => {} } as unknown as Watcher;
    const sup = new Supervisor({ makeWatcher: (h) => ((handlers = h), watcher) });
    const runtime = new PluginRuntime({ configDir: work, clock: realClock, timeoutMs: 1000 });
    const options = SCRIBE.validate({ log: "log" }, "scribe").options;
    const spec: PluginSpec = { kind: "scribe", label: "scribe", options, field: "scribe" };
    const plugins = new WatchPlugins(
      {
        key: "w",
        root,
        request: { root, recursive: true, autoAdd: true, events: [...SCRIBE.events(options)] },
        plugins: [{ key: "scribe#0", spec }],
      },
      (p, at) => runtime.attach(p, at),
      1000,
    );
    await sup.add([bystander(root, true), plugins, bystander(work, false), bystander(work, false)]);
    const evs: FsEvent[] = [];
    for (let i = 0; i < 1000; i++)
      evs.push(
        fsEvent("IN_CREATE", `${root}/f${i}`, false, root),
        fsEvent("IN_CLOSE_WRITE", `${root}/f${i}`, false, root),
      );
    const t0 = process.cpuUsage();
    for (let i = 0; i < events; i++) handlers!.onEvent(evs[i % evs.length]!);
    await plugins.stop();
    const t = process.cpuUsage(t0);
    const lines = readFileSync(join(work, "log"), "utf8").split("\n").length - 1;
    if (lines !== events + 2) throw new Error(`scribe path: ${lines} lines, not ${events + 2}`);
    out.push((t.user + t.system) / events);
    rmSync(work, { recursive: true, force: true });
  }
  return out;
}

if (import.meta.main) {
  const [events = 200_000, runs = 5] = process.argv.slice(2).map(Number);
  const us = await scribePathCpu(events, runs);
  console.log(`supervisor → Scribe → log, ${events} events: ${us.map((x) => x.toFixed(2)).join(", ")} µs/event`);
  console.log(`median ${median(us).toFixed(2)} µs CPU per event`);
  process.exit(0);
}

// --- internal ---

/** A service that claims `root` and does nothing with its events (the rules, plugin files, reload on save). */
function bystander(root: string, recursive: boolean): Service {
  return {
    name: `bystander of ${root}`,
    ended: new Promise<number>(() => {}),
    watches: () => [{ root, recursive, events: ["IN_CREATE", "IN_CLOSE_WRITE"] }],
    start: async () => {},
    onEvent() {},
    stop: async () => {},
  };
}

/** Newlines in a growing file, counted from where the last look stopped. */
class LineCount {
  private offset = 0;
  private n = 0;
  private readonly buf = Buffer.alloc(1 << 20);
  constructor(private readonly file: string) {}

  now(): number {
    const fd = openSync(this.file, "r");
    try {
      for (let got: number; (got = readSync(fd, this.buf, 0, this.buf.length, this.offset)) > 0; ) {
        this.offset += got;
        for (let i = 0; i < got; i++) if (this.buf[i] === 10) this.n++;
      }
    } finally {
      closeSync(fd);
    }
    return this.n;
  }

  /** performance.now() when `n` lines were first seen, or when none came for 10 s. */
  async until(n: number): Promise<number> {
    let last = -1;
    let at = performance.now();
    for (;;) {
      const c = this.now();
      if (c !== last) [last, at] = [c, performance.now()];
      if (c >= n || performance.now() - at > 10_000) return at;
      await Bun.sleep(5);
    }
  }
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

async function until(cond: () => boolean, p: Bun.Subprocess): Promise<void> {
  const deadline = performance.now() + 60_000;
  while (!cond()) {
    if (p.exitCode !== null || performance.now() > deadline) throw new Error(`logger not ready (exit ${p.exitCode})`);
    await Bun.sleep(5);
  }
}
