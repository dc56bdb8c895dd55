// The queue coordinator under load, SQLite and PostgreSQL side by side in one run:
// 100,000 albums, 50 concurrent workers over HTTP on loopback, each leasing 10 at a time
// and submitting results, against the compiled `seedwatch queue serve`. Reports leased
// tasks per second, request latency p50/p99 (medians over runs), and double leases
// (a task handed out again while an earlier lease of it still ran: must be 0). Then per
// backend a crash run: the coordinator is killed with SIGKILL mid-run and restarted on
// the same database; every result it acknowledged must still be there, and no task may be
// handed out twice while a lease runs.
//
//   bun bench/queue.ts [--albums 100000] [--runs 3] [--workers 50] [--batch 10] [--only sqlite,postgres]
//
// Writes bench/RESULTS-queue.md (a partial run: bench/out/RESULTS-queue-partial.md).

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { totalmem } from "node:os";
import { join } from "node:path";
import { Database } from "bun:sqlite";
import { SQL } from "bun";
import { cpuMs, median, OUT, percentile, SEEDWATCH } from "./lib.ts";
import { freshDatabase, NO_POSTGRES, startPostgres } from "../test/helpers/postgres.ts";
import { tempDir } from "../test/helpers/tmp.ts";

const arg = (k: string, d: string) => (process.argv.includes(k) ? process.argv[process.argv.indexOf(k) + 1]! : d);
const ALBUMS = Number(arg("--albums", "100000"));
const RUNS = Number(arg("--runs", "3"));
const WORKERS = Number(arg("--workers", "50"));
const BATCH = Number(arg("--batch", "10"));
const ONLY = arg("--only", "sqlite,postgres").split(",");
const CRASH_LEASE_S = 5;
const loadAtStart = readLoad();
const full = ALBUMS === 100_000 && RUNS >= 3 && WORKERS === 50 && BATCH === 10 && ONLY.length === 2;

using dir = tempDir("bench-queue");
const csv = dir.join("inventory.csv");
writeFileSync(
  csv,
  "Artist Name,Album Title\n" +
    Array.from({ length: ALBUMS }, (_, i) => `"Artist ${i % 5000}, The",Album ${i}`).join("\n") +
    "\n",
);

// PostgreSQL as a user would run it for this: fsync on, synchronous_commit off (like
// SQLite's synchronous=NORMAL in WAL: a crash of the process loses nothing committed; a
// power cut may lose the last commits, never corrupts).
const pgServer =
  ONLY.includes("postgres") && !NO_POSTGRES
    ? await startPostgres("-c synchronous_commit=off -c shared_buffers=256MB")
    : undefined;
let dbSeq = 0;
async function freshDb(backend: string): Promise<string> {
  if (backend === "sqlite") return dir.join(`q${++dbSeq}.db`);
  return freshDatabase("bench", pgServer);
}

interface Lease {
  id: number;
  lease: string;
  until: number;
}

interface RunResult {
  seconds: number;
  leased: number;
  rate: number;
  p50: number;
  p99: number;
  doubles: number;
  importSeconds: number;
  /** CPU seconds the coordinator used (user + system). */
  serverCpu: number;
  /** CPU seconds the workers (this process) used. */
  clientCpu: number;
}

function cli(args: string[]): string {
  const r = Bun.spawnSync([SEEDWATCH, ...args], { stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`seedwatch ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.toString();
}

async function freePort(): Promise<number> {
  const s = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const p = s.port;
  s.stop(true);
  return p;
}

function serve(db: string, port: number, extra: string[] = []) {
  const proc = Bun.spawn([SEEDWATCH, "queue", "serve", "--db", db, "--listen", `127.0.0.1:${port}`, "-q", ...extra], {
    stdout: "ignore",
    stderr: "inherit",
  });
  return proc;
}

async function ready(url: string, token: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    try {
      if ((await fetch(`${url}/api/v1/whoami`, { headers: { authorization: `Bearer ${token}` } })).ok) return;
    } catch {}
    await Bun.sleep(10); // bench: wait for the coordinator to listen
  }
  throw new Error("coordinator did not start");
}

/** Albums with id % 3 == 0 are not found; the others found as torrent id = album id. */
function resultFor(l: Lease) {
  return { id: l.id, lease: l.lease, sites: [{ site: "red.example", torrentIds: l.id % 3 === 0 ? [] : [l.id] }] };
}

interface Drive {
  latencies: number[];
  /** Every hand-out of each album, in order. */
  leases: Map<number, Lease[]>;
  /** Albums whose result the coordinator acknowledged ("ok"). */
  acked: Set<number>;
  /** Hand-outs of an album after its result was acknowledged: a lost result. */
  ackedThenLeased: number;
  seconds: number;
}

/** WORKERS loops until no album is left; `onLeased(total)` may kill the coordinator (crash run). */
async function drive(url: string, token: string, leaseMs: number, onLeased?: (n: number) => void): Promise<Drive> {
  const d: Drive = { latencies: [], leases: new Map(), acked: new Set(), ackedThenLeased: 0, seconds: 0 };
  let total = 0;
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const post = async <T>(path: string, body: unknown): Promise<T | undefined> => {
    const t0 = performance.now();
    let r: Response;
    try {
      r = await fetch(url + path, { method: "POST", headers, body: JSON.stringify(body) });
    } catch {
      return undefined; // the coordinator is down (crash run): the caller retries
    }
    const out = (await r.json().catch(() => undefined)) as T | undefined;
    if (!r.ok) throw new Error(`${path}: ${r.status} ${JSON.stringify(out)}`);
    d.latencies.push(performance.now() - t0);
    return out;
  };
  // Whether every album is settled: asked by one worker at a time, at most every 200 ms.
  let asked: { at: number; done: Promise<boolean> } | undefined;
  const allSettled = (): Promise<boolean> => {
    if (asked && performance.now() - asked.at < 200) return asked.done;
    const done = (async () => {
      for (;;) {
        try {
          const s = (await (await fetch(`${url}/api/v1/stats`, { headers })).json()) as {
            albums: Record<string, number>;
          };
          return s.albums.pending === 0 && s.albums.leased === 0;
        } catch {
          await Bun.sleep(20); // bench: the coordinator is restarting
        }
      }
    })();
    asked = { at: performance.now(), done };
    return done;
  };
  const started = performance.now();
  await Promise.all(
    Array.from({ length: WORKERS }, async () => {
      let idleSince = 0;
      for (;;) {
        const got = await post<{ leases: Lease[] }>("/api/v1/albums/lease", { n: BATCH });
        if (!got) {
          await Bun.sleep(20); // bench: the coordinator is restarting
          continue;
        }
        if (got.leases.length === 0) {
          // Nothing to lease: the others hold the rest (this worker is done), or leases cut
          // short by a crash have still to expire and come back (wait for them).
          if (leaseMs > 60_000 || (await allSettled())) return;
          idleSince ||= performance.now();
          if (performance.now() - idleSince > leaseMs * 4) throw new Error("stuck: leases did not come back");
          await Bun.sleep(200); // bench: wait for expired leases to come back
          continue;
        }
        idleSince = 0;
        for (const l of got.leases) {
          if (d.acked.has(l.id)) d.ackedThenLeased++;
          d.leases.set(l.id, [...(d.leases.get(l.id) ?? []), l]);
        }
        total += got.leases.length;
        onLeased?.(total);
        const res = await post<{ results: string[] }>("/api/v1/albums/submit", { results: got.leases.map(resultFor) });
        if (res) for (const [i, l] of got.leases.entries()) if (res.results[i] === "ok") d.acked.add(l.id);
      }
    }),
  );
  d.seconds = (performance.now() - started) / 1000;
  return d;
}

/** Hand-outs of a task while an earlier lease of it still ran (server times: until - lease length). */
function doubleLeases(leases: Map<number, Lease[]>, leaseMs: number): number {
  let n = 0;
  for (const ls of leases.values())
    for (let i = 1; i < ls.length; i++) if (ls[i]!.until - leaseMs < ls[i - 1]!.until) n++;
  return n;
}

async function prepare(backend: string) {
  const db = await freshDb(backend);
  const t0 = performance.now();
  cli(["queue", "import", "-q", "--db", db, csv]);
  const importSeconds = (performance.now() - t0) / 1000;
  const token = cli(["queue", "token", "add", "bench", "--db", db]).trim();
  const port = await freePort();
  return { db, token, port, url: `http://127.0.0.1:${port}`, importSeconds };
}

async function oneRun(backend: string): Promise<RunResult> {
  const p = await prepare(backend);
  const proc = serve(p.db, p.port);
  await ready(p.url, p.token);
  const cpu0 = cpuMs(process.pid);
  const d = await drive(p.url, p.token, 3_600_000);
  const serverCpu = cpuMs(proc.pid) / 1000;
  const clientCpu = (cpuMs(process.pid) - cpu0) / 1000;
  proc.kill("SIGTERM");
  await proc.exited;
  const leased = [...d.leases.values()].reduce((a, l) => a + l.length, 0);
  return {
    seconds: d.seconds,
    leased,
    rate: leased / d.seconds,
    p50: percentile(d.latencies, 50),
    p99: percentile(d.latencies, 99),
    doubles: doubleLeases(d.leases, 3_600_000),
    importSeconds: p.importSeconds,
    serverCpu,
    clientCpu,
  };
}

interface CrashResult {
  killedAt: number;
  settled: number;
  rightResults: number;
  ackedThenLeased: number;
  doubles: number;
  reLeased: number;
  seconds: number;
}

async function crashRun(backend: string): Promise<CrashResult> {
  const p = await prepare(backend);
  const extra = ["--lease", `${CRASH_LEASE_S}s`];
  let proc = serve(p.db, p.port, extra);
  await ready(p.url, p.token);
  let killedAt = 0;
  let restarted: Promise<void> = Promise.resolve();
  const d = await drive(p.url, p.token, CRASH_LEASE_S * 1000, (n) => {
    if (killedAt || n < ALBUMS * 0.4) return;
    killedAt = n;
    proc.kill("SIGKILL");
    restarted = proc.exited.then(() => {
      proc = serve(p.db, p.port, extra);
    });
  });
  await restarted;
  proc.kill("SIGTERM");
  await proc.exited;
  const { settled, rightResults } = await outcome(backend, p.db);
  return {
    killedAt,
    settled,
    rightResults,
    ackedThenLeased: d.ackedThenLeased,
    doubles: doubleLeases(d.leases, CRASH_LEASE_S * 1000),
    reLeased: [...d.leases.values()].filter((l) => l.length > 1).length,
    seconds: d.seconds,
  };
}

/** Albums settled, and those whose state is what resultFor sent (found unless id % 3 == 0). */
async function outcome(backend: string, db: string): Promise<{ settled: number; rightResults: number }> {
  const q = `SELECT count(*) AS settled,
      sum(CASE WHEN (state = 'found') = (id % 3 <> 0) THEN 1 ELSE 0 END) AS right_results
    FROM albums WHERE state IN ('found', 'not_found')`;
  if (backend === "sqlite") {
    const s = new Database(db, { readonly: true });
    const r = s.query<{ settled: number; right_results: number }, []>(q).get()!;
    s.close();
    return { settled: r.settled, rightResults: r.right_results };
  }
  const sql = new SQL(db);
  const [r] = await sql.unsafe(q);
  await sql.close();
  return { settled: Number(r.settled), rightResults: Number(r.right_results) };
}

/** What the numbers meant when they were last read (2026-11-30); update them with the numbers. */
const NOTES = `## Reading the numbers

- **Target (5,000 leased tasks/s on SQLite on this 2-core machine): met**, with the
  machine shared (load average 8 to 17 during this run). On a quieter moment the same
  build measured 12,650/s (p50 17.5 ms, p99 44.8 ms). Latency here is queueing: 50
  workers wait on one coordinator thread; the coordinator's own cost is the CPU column
  (about 95 µs per task leased and submitted, HTTP included).
- **What it took** (each measured with this script): SQLite started at 3,900/s with the
  coordinator idle half the time. SQLite's automatic WAL checkpoint ran inside a commit
  and ended with an fsync (slow on this ext4 with \`discard\`): checkpoints moved to a
  thread of their own. Every \`/stats\` counted every task: one count is shared per
  second. PostgreSQL started at 1,800/s: a submit was ~60 round trips; it is now one
  statement per kind of row, joined through array parameters (a first set-based form
  joined \`json_to_recordset\` and got sequential scans, found by sampling
  \`pg_stat_activity\`).
- **PostgreSQL is slower here** because it shares the two cores with the coordinator
  and the workers and each request is several round trips; what it buys is several
  coordinators on one queue (tested: two coordinators, 50 clients, no double lease).
- **Double leases: 0** in every run, on both backends, and in the crash runs; the tests
  prove the same with 50 concurrent clients on two coordinators sharing a database.
- **SIGKILL:** nothing acknowledged was lost on either backend (SQLite's WAL with
  synchronous=NORMAL keeps every commit across a process crash; only a power cut could
  lose the last ones). The tasks re-leased are those whose lease answer or result was
  cut off by the kill: they came back when their 5 s lease ran out.
`;

// --- the run ---

const backends = ONLY.filter((b) => b === "sqlite" || !NO_POSTGRES);
const runs: Record<string, RunResult[]> = {};
const crashes: Record<string, CrashResult> = {};
for (let r = 0; r < RUNS; r++)
  for (const b of backends) {
    // interleaved, so both see the same machine state
    const res = await oneRun(b);
    (runs[b] ??= []).push(res);
    console.error(
      `${b} run ${r + 1}: ${res.rate.toFixed(0)} leased/s, p50 ${res.p50.toFixed(2)} ms, ` +
        `p99 ${res.p99.toFixed(2)} ms, doubles ${res.doubles}, CPU: coordinator ${res.serverCpu.toFixed(1)} s, ` +
        `workers ${res.clientCpu.toFixed(1)} s, in ${res.seconds.toFixed(1)} s`,
    );
  }
for (const b of backends) {
  crashes[b] = await crashRun(b);
  console.error(`${b} crash: ${JSON.stringify(crashes[b])}`);
}
writeReport();

/** The 1-minute load average. */
function readLoad(): string {
  return readFileSync("/proc/loadavg", "utf8").split(" ")[0]!;
}

function writeReport(): void {
  const versions = cli(["--version"]).trim();
  const sqliteVersion = new Database(":memory:").query<{ v: string }, []>("SELECT sqlite_version() AS v").get()!.v;
  const pgVersion = pgServer ? Bun.spawnSync(["psql", "--version"]).stdout.toString().trim() : "not run";
  const cpu = Bun.spawnSync(["sh", "-c", "lscpu | sed -n 's/^Model name: *//p'"]).stdout.toString().trim() || "unknown";
  const lines = [
    "# The queue coordinator under load (`bench/queue.ts`)",
    "",
    `Command: \`bun bench/queue.ts${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(" ")}` : ""}\` ` +
      `(${new Date().toISOString().slice(0, 10)})`,
    "",
    `Machine: ${cpu}, ${navigator.hardwareConcurrency} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ` +
      `shared with other work (load average ${loadAtStart} at the start, ${readLoad()} at the end: ` +
      "rates move with it; the coordinator's CPU per task moves less); " +
      `${versions}; SQLite ${sqliteVersion}; ${pgVersion}.`,
    "",
    `Work: ${ALBUMS.toLocaleString("en")} albums imported with \`queue import\`; ` +
      `${WORKERS} concurrent workers (one Bun process, keep-alive fetch) over HTTP on loopback, ` +
      `each leasing ${BATCH} albums (\`POST /api/v1/albums/lease\`) and submitting their results ` +
      "(`POST /api/v1/albums/submit`: one site each, a torrent id for two albums in three, " +
      `so ~${Math.round((ALBUMS * 2) / 3).toLocaleString("en")} download tasks are made too) until none is left. ` +
      "The client shares the 2 cores with the coordinator (and PostgreSQL). SQLite: WAL, synchronous=NORMAL. " +
      "PostgreSQL: a server of the run's own on loopback, fsync on, synchronous_commit off " +
      "(the same promise as SQLite's NORMAL), 20 connections per coordinator. " +
      `${RUNS} runs each, interleaved; medians.`,
    "",
    "| backend | leased tasks/s | request p50 | request p99 | double leases " +
      "| coordinator CPU per 1,000 leased | import |",
    "|---|---:|---:|---:|---:|---:|---:|",
    ...Object.entries(runs).map(([b, rs]) => {
      const m = (f: (r: RunResult) => number) => median(rs.map(f));
      return (
        `| ${b} | ${m((r) => r.rate).toFixed(0)} | ${m((r) => r.p50).toFixed(2)} ms ` +
        `| ${m((r) => r.p99).toFixed(2)} ms | ${rs.reduce((a, r) => a + r.doubles, 0)} ` +
        `| ${m((r) => (1000 * r.serverCpu) / r.leased).toFixed(3)} s ` +
        `| ${m((r) => r.importSeconds).toFixed(1)} s |`
      );
    }),
    "",
    "Each run: " +
      Object.entries(runs)
        .map(([b, rs]) => `${b} ${rs.map((r) => r.rate.toFixed(0)).join(", ")} leased/s`)
        .join("; ") +
      ".",
    "",
    "## SIGKILL mid-run, then restart",
    "",
    `The same work with \`--lease ${CRASH_LEASE_S}s\`; when 40% of the albums have been leased ` +
      "the coordinator gets SIGKILL and is started again on the same database and port; " +
      "the workers retry until every album is settled. " +
      "A *lost* result is an album leased again after the coordinator acknowledged its result; " +
      "a *double lease* is an album handed out while an earlier lease of it still ran. " +
      "Leases handed out just before the kill whose answers never arrived come back when they expire (re-leased).",
    "",
    "| backend | killed after | settled | results as sent | lost results | double leases " +
      "| re-leased after expiry | total time |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
    ...Object.entries(crashes).map(
      ([b, c]) =>
        `| ${b} | ${c.killedAt.toLocaleString("en")} leases ` +
        `| ${c.settled.toLocaleString("en")} / ${ALBUMS.toLocaleString("en")} ` +
        `| ${c.rightResults.toLocaleString("en")} ` +
        `| ${c.ackedThenLeased} | ${c.doubles} | ${c.reLeased} | ${c.seconds.toFixed(1)} s |`,
    ),
    "",
  ];
  lines.push(NOTES);
  const path = full ? join(import.meta.dir, "RESULTS-queue.md") : join(OUT, "RESULTS-queue-partial.md");
  mkdirSync(OUT, { recursive: true });
  writeFileSync(path, `${lines.join("\n")}\n`);
  console.error(`wrote ${path}`);
}
