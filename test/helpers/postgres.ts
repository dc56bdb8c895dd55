// A real PostgreSQL (Debian's package) for the tests: one server per test run, in a temp
// directory on a loopback port, stopped when the run ends. Each test takes its own
// schema (`freshSchema`) or database (`freshDatabase`). PostgreSQL refuses to run as
// root, so as root initdb and pg_ctl run as the `postgres` user the package creates; the
// temp directory is opened (0755) so that user can reach it, wherever the checkout lies.
// The server stops and its directory goes once the test process has ended.

import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SQL } from "bun";

/** The newest installed server's bin directory, if any. */
function pgBin(): string | undefined {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, "bin", "initdb")))
    .sort((a, b) => Number(a) - Number(b));
  return versions.length ? join(base, versions.at(-1)!, "bin") : undefined;
}

const BIN = pgBin();
const ROOT = process.getuid?.() === 0;
const POSTGRES_USER = ROOT ? lookupUid("postgres") : undefined;

/** Why the PostgreSQL tests cannot run here, or undefined when they can. */
export const NO_POSTGRES: string | undefined = !BIN
  ? "PostgreSQL is not installed (apt-get install postgresql; .ci/test does it as root): " +
    "the PostgreSQL tests are skipped"
  : ROOT && POSTGRES_USER === undefined
    ? "running as root and there is no `postgres` user to run the server as: the PostgreSQL tests are skipped"
    : undefined;

if (NO_POSTGRES) process.stderr.write(`test/helpers/postgres.ts: ${NO_POSTGRES}\n`);

let server: Promise<string> | undefined;
let seq = 0;

/**
 * postgres://… of the server for this test run (started on first use). fsync is off: tests
 * need no durability across a power cut.
 */
export function postgresUrl(): Promise<string> {
  return (server ??= start("-c fsync=off"));
}

/** A server of its own (benchmarks), with the given `-c name=value` settings. */
export function startPostgres(settings: string): Promise<string> {
  return start(settings);
}

/** A schema name no other test uses. */
export function freshSchema(prefix = "t"): string {
  return `${prefix}_${process.pid}_${++seq}`;
}

/** A new empty database on the test run's server (or on the one `on` names); its URL. */
export async function freshDatabase(prefix = "db", on?: string): Promise<string> {
  const url = on ?? (await postgresUrl());
  const name = `${prefix}_${process.pid}_${++seq}`;
  const sql = new SQL(url);
  try {
    await sql.unsafe(`CREATE DATABASE ${name}`);
  } finally {
    await sql.close();
  }
  return url.replace(/\/postgres$/, `/${name}`);
}

// --- internal ---

async function start(settings: string): Promise<string> {
  if (NO_POSTGRES) throw new Error(NO_POSTGRES);
  const dir = mkdtempSync(join(tmpdir(), "seedwatch-pg-"));
  chmodSync(dir, 0o755);
  const data = join(dir, "pg");
  const sock = join(dir, "sock");
  mkdirSync(data);
  mkdirSync(sock);
  if (POSTGRES_USER !== undefined) {
    chownSync(data, POSTGRES_USER, -1);
    chownSync(sock, POSTGRES_USER, -1);
  }
  const port = await freePort();
  const asServer = (cmd: string[]) =>
    ROOT ? ["setpriv", `--reuid=${POSTGRES_USER}`, `--regid=${gidOf("postgres")}`, "--init-groups", ...cmd] : cmd;
  run(asServer([`${BIN}/initdb`, "-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]), "initdb");
  run(
    asServer([
      `${BIN}/pg_ctl`,
      "-D",
      data,
      "-l",
      join(sock, "pg.log"),
      "-w",
      "-o",
      `-p ${port} -k ${sock} -c listen_addresses=127.0.0.1 -c max_connections=300 ${settings}`,
      "start",
    ]),
    "pg_ctl start",
  );
  stopWhenGone(process.pid, asServer([`${BIN}/pg_ctl`, "-D", data, "-m", "immediate", "stop"]), dir);
  return `postgres://postgres@127.0.0.1:${port}/postgres`;
}

/**
 * Stop the server and remove its directory once process `pid` has ended, however it ends
 * (bun test does not run exit handlers; a run can be killed): a watcher in its own
 * session, which polls once a second and outlives us by at most that.
 */
function stopWhenGone(pid: number, stop: string[], dir: string): void {
  const q = (a: string) => `'${a.replaceAll("'", "'\\''")}'`;
  const script =
    `while kill -0 ${pid} 2>/dev/null; do sleep 1; done; ` +
    `${stop.map(q).join(" ")} >/dev/null 2>&1; rm -rf ${q(dir)}`;
  const watcher = Bun.spawn(["setsid", "sh", "-c", script], { stdin: "ignore", stdout: "ignore", stderr: "ignore" });
  watcher.unref();
}

function run(cmd: string[], what: string): void {
  const r = Bun.spawnSync(cmd, { stdout: "pipe", stderr: "pipe", env: { ...process.env, LC_ALL: "C.UTF-8" } });
  if (r.exitCode !== 0) throw new Error(`${what} failed (${r.exitCode}): ${r.stderr.toString()}${r.stdout.toString()}`);
}

async function freePort(): Promise<number> {
  const s = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = s.port;
  s.stop(true);
  return port;
}

function lookupUid(name: string): number | undefined {
  const r = Bun.spawnSync(["id", "-u", name], { stdout: "pipe", stderr: "ignore" });
  return r.exitCode === 0 ? Number(r.stdout.toString().trim()) : undefined;
}

function gidOf(name: string): number {
  const r = Bun.spawnSync(["id", "-g", name], { stdout: "pipe", stderr: "ignore" });
  return Number(r.stdout.toString().trim());
}
