// The queue worker against the fake Gazelle (test/fakes/gazelle.ts) on loopback, with a
// real coordinator (the compiled `seedwatch queue serve`):
//   1. metadata throughput at the tracker's documented limit, 5 requests per 10 s: the
//      compiled `seedwatch queue work metadata N` on an inventory that is mostly on the
//      site (one browse each) and partly not (browse, then two artist lookups); albums
//      per minute, requests per album, and the most requests the fake saw in any 10 s
//      window (must never exceed 5) and its "rate limit exceeded" answers (must be 0);
//   2. what the shared cache saves when several albums share an artist (titles browse
//      cannot match, so each album needs the artist page): tracker requests without a
//      shared cache (each album looks its artist up, as a worker alone without one
//      would) and with the coordinator's cache, two workers splitting the albums.
//
//   bun bench/queue-work.ts [--runs 3] [--albums 20] [--artists 5] [--per-artist 4]
//
// Writes the section between the queue-work markers of bench/RESULTS-queue.md.

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { totalmem } from "node:os";
import { join } from "node:path";
import { realClock } from "../src/clock.ts";
import type { Cached, GazelleCache } from "../src/queue/gazelle/cache.ts";
import { HttpGazelle } from "../src/queue/gazelle/client.ts";
import { RateLimiter } from "../src/queue/gazelle/rate-limit.ts";
import { DEFAULT_PREFERENCES } from "../src/queue/gazelle/score.ts";
import { CoordinatorCache } from "../src/queue/worker/cache.ts";
import { CoordinatorClient } from "../src/queue/worker/coordinator.ts";
import { runMetadataBatch } from "../src/queue/worker/metadata.ts";
import { openSites } from "../src/queue/worker/sites.ts";
import { DEFAULT_USER, startFakeGazelle } from "../test/fakes/gazelle.ts";
import { addToken, queueCli, startCoordinator } from "../test/helpers/queue.ts";
import { tempDir } from "../test/helpers/tmp.ts";
import { runWorker, writeInventory, writeWorkerConfig } from "../test/helpers/worker.ts";
import { median, OUT, SEEDWATCH } from "./lib.ts";

const arg = (k: string, d: string) => (process.argv.includes(k) ? process.argv[process.argv.indexOf(k) + 1]! : d);
const RUNS = Number(arg("--runs", "3"));
const ALBUMS = Number(arg("--albums", "20"));
const ARTISTS = Number(arg("--artists", "5"));
const PER_ARTIST = Number(arg("--per-artist", "4"));
const MISSING_EVERY = 5; // one album in five is not on the site
const loadAtStart = readFileSync("/proc/loadavg", "utf8").split(" ")[0]!;

interface ThroughputRun {
  seconds: number;
  albums: number;
  requests: number;
  maxInWindow: number;
  limited: number;
}

async function throughputRun(): Promise<ThroughputRun> {
  using dir = tempDir("bench-work");
  const db = dir.join("queue.db");
  const fake = startFakeGazelle({ rateLimit: { requests: 5, windowMs: 10_000 } });
  try {
    const rows: [string, string][] = [];
    for (let i = 0; i < ALBUMS; i++) {
      const artist = 200_000 + i;
      if (i % MISSING_EVERY === MISSING_EVERY - 1) {
        rows.push([`Missing, Artist ${i}`, `Nowhere ${i}`]);
        continue;
      }
      fake.addArtist({ id: artist, name: `Artist ${i}` });
      fake.addGroup(group(300_000 + i, `Record ${i}`, artist));
      rows.push([`Artist ${i}`, `Record ${i}`]);
    }
    writeInventory(dir, rows);
    queueCli(db, ["import", dir.join("inventory.csv")]);
    const token = addToken(db, "bench");
    await using coord = await startCoordinator(db, [], token);
    // the worker believes the documented limit, as a user's config would say by default
    const { config } = writeWorkerConfig(dir, coord.url, fake, { rate: { requests: 5, seconds: 10 } });
    const t0 = performance.now();
    const r = await runWorker(["metadata", String(ALBUMS)], config, token);
    const seconds = (performance.now() - t0) / 1000;
    if (r.code !== 0) throw new Error(`queue work failed (${r.code}): ${r.stderr}`);
    const ajax = fake.requests.filter((x) => x.path === "/ajax.php").length;
    return { seconds, albums: ALBUMS, requests: ajax, maxInWindow: fake.maxInWindow(), limited: fake.limited };
  } finally {
    await fake.close();
  }
}

interface CacheCount {
  requests: number;
  artist: number;
  hits: number;
}

/**
 * Without any cache one album at a time (each album asks for its artist); then the worker as it runs by
 * default (batches of 5, 4 at once) without and with the shared cache.
 */
interface CacheRun {
  alone: CacheCount;
  without: CacheCount;
  with: CacheCount;
}

async function cacheRun(): Promise<CacheRun> {
  const count = async (shared: boolean, batch: number, parallel: number): Promise<CacheCount> => {
    using dir = tempDir("bench-cache");
    const db = dir.join("queue.db");
    const fake = startFakeGazelle({ rateLimit: { requests: 10_000, windowMs: 1000 } });
    try {
      const rows: [string, string][] = [];
      for (let a = 0; a < ARTISTS; a++) {
        fake.addArtist({ id: 400_000 + a, name: `S&oacute;ngvari ${a}` });
        for (let k = 0; k < PER_ARTIST; k++) {
          // an accented title browse cannot match as typed: the artist page is needed
          fake.addGroup(group(500_000 + a * 100 + k, `L&aacute;g ${a}-${k}`, 400_000 + a));
          rows.push([`Sóngvari ${a}`, `Lag ${a}-${k}`]);
        }
      }
      writeInventory(dir, rows);
      queueCli(db, ["import", dir.join("inventory.csv")]);
      const tokens = [addToken(db, "w1"), addToken(db, "w2")];
      await using coord = await startCoordinator(db, [], tokens[0]);
      const workers = tokens.map((t) => {
        const client = new CoordinatorClient(coord.url, t);
        const cache: GazelleCache = shared ? new CoordinatorCache(client) : new NoCache();
        const sites = openSites(
          [{ name: "fake", url: fake.url, auth: { api_key: DEFAULT_USER.apiKey, style: "token" } }],
          cache,
          { ...DEFAULT_PREFERENCES },
          (s) => new HttpGazelle(s, { limiter: new RateLimiter({ requests: 10_000, windowMs: 1000 }) }),
        );
        return { client, cache, sites };
      });
      // two workers at once, until the queue is empty
      await Promise.all(
        workers.map(async (w) => {
          const deps = { coordinator: w.client, sites: w.sites, clock: realClock, parallel };
          while ((await runMetadataBatch(deps, batch)).leased);
        }),
      );
      const hits = workers.reduce((n, w) => n + (w.cache instanceof CoordinatorCache ? w.cache.hits : 0), 0);
      const ajax = fake.requests.filter((x) => x.path === "/ajax.php");
      return { requests: ajax.length, artist: ajax.filter((x) => x.action === "artist").length, hits };
    } finally {
      await fake.close();
    }
  };
  return { alone: await count(false, 1, 1), without: await count(false, 5, 4), with: await count(true, 5, 4) };
}

class NoCache implements GazelleCache {
  async getArtist(): Promise<undefined> {
    return undefined;
  }
  async putArtist(_h: string, _k: string, _e: Cached<unknown>): Promise<void> {}
  async getTorrent(): Promise<undefined> {
    return undefined;
  }
  async putTorrent(): Promise<void> {}
}

function group(id: number, name: string, artistId: number) {
  return {
    id,
    name,
    year: 2001,
    artistIds: [artistId],
    releaseType: 1,
    time: 1_339_117_820,
    torrents: [
      {
        id: id + 1_000_000,
        media: "WEB",
        format: "FLAC",
        encoding: "Lossless",
        files: [["01 - One.flac", 20_000_000]] as [string, number][],
        filePath: `Artist - ${id}`,
        seeders: 4,
      },
    ],
  };
}

// --- run ---

const through: ThroughputRun[] = [];
const caches: CacheRun[] = [];
for (let i = 0; i < RUNS; i++) {
  through.push(await throughputRun());
  caches.push(await cacheRun());
  console.error(`run ${i + 1}/${RUNS}: ${JSON.stringify(through.at(-1))} ${JSON.stringify(caches.at(-1))}`);
}

const med = (xs: number[], digits = 1) => median(xs).toFixed(digits);
const perMin = through.map((t) => (60 * t.albums) / t.seconds);
// what the tracker allows in that time: 5 at once, then 5 more each 10 s
const budgetUse = through.map((t) => (100 * t.requests) / (5 * (1 + Math.floor(t.seconds / 10))));
const versions = Bun.spawnSync([SEEDWATCH, "--version"]).stdout.toString().trim();
const cpu = Bun.spawnSync(["sh", "-c", "lscpu | sed -n 's/^Model name: *//p'"]).stdout.toString().trim() || "unknown";
const loadAtEnd = readFileSync("/proc/loadavg", "utf8").split(" ")[0]!;
const albumsCache = ARTISTS * PER_ARTIST;
const section =
  `<!-- queue-work -->
## The worker against the fake tracker (\`bench/queue-work.ts\`)

Command: \`bun bench/queue-work.ts` +
  `${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(" ")}` : ""}\` ` +
  `(${new Date().toISOString().slice(0, 10)})

Machine: ${cpu}, ${navigator.hardwareConcurrency} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ` +
  `shared with other work (load average ${loadAtStart} at the start, ${loadAtEnd} at the end)` +
  `; ${versions}; the fake Gazelle (\`test/fakes/gazelle.ts\`, OPS style) and the coordinator on loopback. ` +
  `${RUNS} runs; medians.

### Metadata throughput at 5 requests per 10 s

\`seedwatch queue work metadata ${ALBUMS}\` (the compiled binary) ` +
  `on ${ALBUMS} albums: ${ALBUMS - Math.floor(ALBUMS / MISSING_EVERY)} on the site (found by one \`browse\`), ` +
  `${Math.floor(ALBUMS / MISSING_EVERY)} not (\`browse\`, ` +
  `then the \`artist\` page by display name and by sort name). ` +
  `The fake counts a request when it arrives and allows 5 in any 10 s per user; ` +
  `the worker's config says the same (the default).

| albums | wall time | albums/min | tracker requests ` +
  `| share of the requests the limit allows in that time ` +
  `| most in any 10 s (limit 5) | "rate limit exceeded" answers |
| -----: | --------: | ---------: | ---------------: ` +
  `| --------------------------------------------------: ` +
  `| -------------------------: | ----------------------------: |
| ${ALBUMS} | ${med(through.map((t) => t.seconds))} s | ${med(perMin)} | ${med(
    through.map((t) => t.requests),
    0,
  )} | ${med(budgetUse, 0)}% ` +
  `| ${Math.max(...through.map((t) => t.maxInWindow))} (max over runs) ` +
  `| ${Math.max(...through.map((t) => t.limited))} (max over runs) |

Each run: ${through.map((t) => `${t.seconds.toFixed(1)} s`).join(", ")}.

### What the shared cache saves

${albumsCache} albums, ${ARTISTS} artists with ${PER_ARTIST} albums each, ` +
  `every title accented on the site and typed without accents in the inventory, ` +
  `so \`browse\` misses and each album needs its artist's page. ` +
  `Two workers at once until the queue is empty. ` +
  `One album at a time without any cache, each album asks for its artist's page ` +
  `(distleech without its CouchDB cache). ` +
  `The worker as it runs by default leases 5 at a time and searches 4 at once; ` +
  `albums of one artist whose lookups overlap in time share one request even without a shared cache. ` +
  `With the coordinator's cache (\`/api/v1/cache\`) ` +
  `an artist either worker fetched is a hit for both.

| cache | worker | tracker requests | artist lookups | cache hits |
| ----- | ------ | ---------------: | -------------: | ---------: |
| none | one album at a time | ${med(
    caches.map((c) => c.alone.requests),
    0,
  )} | ${med(
    caches.map((c) => c.alone.artist),
    0,
  )} | – |
| none | batches of 5, 4 at once | ${med(
    caches.map((c) => c.without.requests),
    0,
  )} | ${med(
    caches.map((c) => c.without.artist),
    0,
  )} | – |
| shared (coordinator) | batches of 5, 4 at once | ${med(
    caches.map((c) => c.with.requests),
    0,
  )} | ${med(
    caches.map((c) => c.with.artist),
    0,
  )} | ${med(
    caches.map((c) => c.with.hits),
    0,
  )} |

The shared cache saved ${med(
    caches.map((c) => 100 * (1 - c.with.requests / c.alone.requests)),
    0,
  )}% of the tracker requests against one album at a time without a cache, and ${med(
    caches.map((c) => 100 * (1 - c.with.requests / c.without.requests)),
    0,
  )}% against the same worker without it ` +
  `(at 5 requests per 10 s, each request spared is 2 s of the account's budget). ` +
  `Two workers that miss one artist at the same moment both fetch it ` +
  `(nothing claims a lookup in flight across workers): ` +
  `the shared runs' artist lookups were ${caches.map((c) => c.with.artist).join(", ")} for ${ARTISTS} artists.
<!-- /queue-work -->
`;

const results = join(import.meta.dir, "RESULTS-queue.md");
const full = RUNS >= 3 && ALBUMS === 20 && ARTISTS === 5 && PER_ARTIST === 4;
if (full) {
  const text = readFileSync(results, "utf8");
  const at = text.indexOf("<!-- queue-work -->");
  const end = text.indexOf("<!-- /queue-work -->\n");
  writeFileSync(
    results,
    at < 0
      ? `${text.trimEnd()}\n\n${section}`
      : text.slice(0, at) + section + text.slice(end + "<!-- /queue-work -->\n".length),
  );
  console.error(`wrote ${results}`);
} else {
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, "RESULTS-queue-work-partial.md"), section);
  console.error(`wrote ${join(OUT, "RESULTS-queue-work-partial.md")} (a partial run)`);
}
