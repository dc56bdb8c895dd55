// seedwatch rtorrent: cold start on a session of N torrents, and the time from a real
// rtorrent's last session write in a 200-torrent burst until all 200 are in the index.
//
//   bun bench/rtorrent.ts [--torrents N] [--runs R]      (appends to bench/RESULTS-rtorrent.md)
//
// rtorrent_event itself cannot run here (its Python dependencies are not installable from
// this machine); its documented behaviour is one queue item per ~1 s poll cycle.

import { Database } from "bun:sqlite";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { median, OUT, SEEDWATCH } from "./lib.ts";
import { makeTorrent, writeSession } from "../test/helpers/rtorrent.ts";
import { HAVE_RTORRENT, startRtorrent } from "../test/helpers/rtorrentd.ts";

const args = process.argv.slice(2);
const N = Number(args[args.indexOf("--torrents") + 1]) || 10_000;
const RUNS = Number(args[args.indexOf("--runs") + 1]) || 3;
mkdirSync(OUT, { recursive: true });
const work = mkdtempSync(join(OUT, "rt-"));
const log = (s: string) => process.stderr.write(`${s}\n`);

const sections = [coldStart(), await burst()];
rmSync(work, { recursive: true, force: true });
const version = Bun.spawnSync([SEEDWATCH, "--version"]).stdout.toString().trim();
const report = `# Benchmarks: seedwatch rtorrent

Run ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC with \`bun bench/rtorrent.ts${args.length ? ` ${args.join(" ")}` : ""}\`.

- machine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; files under bench/out (ext4)
- ${version}; ${HAVE_RTORRENT ? Bun.spawnSync(["rtorrent", "-h"]).stdout.toString().split("\n")[0] : "rtorrent not installed"}

${sections.join("\n\n")}
`;
writeFileSync(join(import.meta.dir, "RESULTS-rtorrent.md"), report);
process.stdout.write(report);

function coldStart(): string {
  const session = join(work, "session");
  log(`writing a session of ${N} torrents…`);
  for (let i = 0; i < N; i++) {
    const multi = i % 3 === 0;
    const t = multi
      ? makeTorrent({ name: `Album ${i}`, files: Array.from({ length: 12 }, (_, k) => ({ path: [`CD${k >> 3}`, `${k}.flac`], length: 30_000_000 })), announce: "https://tracker.example/a", pieceLength: 2 ** 20 })
      : makeTorrent({ name: `file-${i}.mkv`, length: 2_000_000_000 + i, announce: "https://other.example/b", pieceLength: 2 ** 22 }); // realistic piece sizes: ~350-480 pieces
    writeSession(session, t, { directory: multi ? `/srv/dl/Album ${i}` : "/srv/dl", complete: 1 });
  }
  const cold: number[] = [];
  const rss: number[] = [];
  let dbSize = 0;
  for (let r = 0; r < RUNS; r++) {
    const db = join(work, `cold-${r}.db`);
    const t = performance.now();
    const p = Bun.spawnSync([SEEDWATCH, "rtorrent", "--once", "--no-log", "--db", db, session], { stderr: "pipe" });
    cold.push(performance.now() - t);
    if (p.exitCode !== 0) throw new Error(`seedwatch failed: ${p.stderr}`);
    rss.push((p.resourceUsage?.maxRSS ?? 0) / 2 ** 20); // bytes
    const count = new Database(db, { readonly: true }).query<{ n: number }, []>("SELECT COUNT(*) n FROM torrent_data").get()!.n;
    if (count !== N) throw new Error(`indexed ${count} of ${N}`);
    dbSize = statSync(db).size + (statSync(`${db}-wal`, { throwIfNoEntry: false })?.size ?? 0);
    log(`cold start run ${r + 1}: ${cold.at(-1)!.toFixed(0)} ms`);
  }
  const warm: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t = performance.now();
    Bun.spawnSync([SEEDWATCH, "rtorrent", "--once", "--no-log", "--db", join(work, "cold-0.db"), session]);
    warm.push(performance.now() - t);
  }
  return `## Cold start: ${N.toLocaleString("en")} torrents

A session of ${N.toLocaleString("en")} torrents (a third multi-file with 12 files, the rest single
files) indexed from nothing by \`seedwatch rtorrent --once\` into a fresh database; then the
same command again on the full index (nothing to change). ${RUNS} runs, medians.

| | time, ms | peak RSS, MiB | index size, MiB |
|---|---|---|---|
| cold (empty index) | ${median(cold).toFixed(0)} | ${median(rss).toFixed(0)} | ${(dbSize / 2 ** 20).toFixed(1)} |
| again (all unchanged) | ${median(warm).toFixed(0)} | | |

Target (issue 3): under 2 s.`;
}

async function burst(): Promise<string> {
  if (!HAVE_RTORRENT) return "## 200-torrent burst\n\nSkipped: rtorrent is not installed.";
  const lags: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const home = join(work, `burst-${r}`);
    await using rt = await startRtorrent(home);
    const db = join(home, "index.db");
    const sw = Bun.spawn([SEEDWATCH, "rtorrent", "--no-log", "--db", db, rt.session], { stderr: "pipe", stdout: "ignore" });
    let stderr = "";
    let added = 0;
    let lastAdded = 0;
    void (async () => {
      for await (const c of sw.stderr) {
        const text = new TextDecoder().decode(c);
        stderr += text;
        const n = (text.match(/ added [0-9A-F]{40}/g) ?? []).length;
        if (n) {
          added += n;
          lastAdded = performance.now();
        }
      }
    })();
    while (!/watching /.test(stderr)) await Bun.sleep(2);
    // When did rtorrent write its last session file? Watch the directory ourselves.
    const { InotifyWatcher } = await import("../src/watch/inotify.ts");
    let lastWrite = 0;
    const w = new InotifyWatcher({ onEvent: (e) => { if (e.names[0] === "IN_MOVED_TO") lastWrite = performance.now(); } });
    await w.add(rt.session, { recursive: false, events: ["IN_MOVED_TO"] });
    const ts = Array.from({ length: 200 }, (_, i) => makeTorrent({ name: `burst-${r}-${i}`, length: 1000 + i, announce: "http://127.0.0.1:9/announce" }));
    await rt.rpc.multicall(ts.map((t) => ["load.raw", "", t.bytes]));
    while (added < 200) await Bun.sleep(1);
    lags.push(lastAdded - lastWrite);
    log(`burst run ${r + 1}: all 200 indexed ${(lastAdded - lastWrite).toFixed(0)} ms after rtorrent's last write`);
    await w.close();
    sw.kill();
    await sw.exited;
  }
  return `## 200-torrent burst from a real rtorrent

A real rtorrent 0.9.8 adds 200 torrents in one \`system.multicall\` while \`seedwatch
rtorrent\` watches its session; the time is from rtorrent's last session-file rename
(seen by a separate inotify watch) to seedwatch's log line for the 200th add. ${RUNS} runs.

| | median, ms | max, ms |
|---|---|---|
| last rtorrent write → all 200 indexed | ${median(lags).toFixed(0)} | ${Math.max(...lags).toFixed(0)} |

Target (issue 3): within 500 ms. rtorrent_event handles one queue item per poll cycle of
about a second, so the same burst costs it minutes (reference/rtorrent-session.md §1.6).`;
}
