// seedwatch queue work: a worker of the queue. `work metadata N` and `work torrent SITE N
// SEEDBOX` do one batch each (distleech's two client commands); plain `work` keeps
// working, as a service of the supervisor, until SIGTERM. Parses, wires, prints; the
// work itself is src/queue/worker.

import { realClock } from "../../clock.ts";
import { EXIT, UsageError } from "../../errors.ts";
import { log } from "../../log.ts";
import { parseDuration } from "../../queue/duration.ts";
import { runMetadataBatch } from "../../queue/worker/metadata.ts";
import { indexSetup } from "../../queue/worker/index-completions.ts";
import { WorkerService } from "../../queue/worker/service.ts";
import { TrackerService } from "../../rtorrent/service.ts";
import { siteNamed } from "../../queue/worker/sites.ts";
import { runTorrentBatch } from "../../queue/worker/torrent.ts";
import { onSignals, Supervisor } from "../../supervisor/index.ts";
import { InotifyWatcher } from "../../watch/index.ts";
import { defineVerb } from "../args.ts";
import { applyLogArgs, LOG_ARGS } from "../logging-args.ts";
import { wholeNumber } from "../numbers.ts";
import { WORKER_CONFIG_ARG, type Wired, wire } from "./work-wire.ts";

/** The coordinator leases at most this many tasks per call. */
const MAX_BATCH = 100;

export default defineVerb({
  name: "queue work",
  description:
    "Work for a queue: find its albums on Gazelle trackers (metadata), " +
    "download the torrents chosen into a seedbox (torrent), or both, continuously",
  args: {
    kind: {
      type: "positional",
      required: false,
      valueHint: "metadata|torrent",
      description: "one batch of this kind (default: keep working)",
    },
    rest: {
      type: "positional",
      variadic: true,
      required: false,
      valueHint: "N | SITE N SEEDBOX",
      description: "the batch's size (and site, seedbox)",
    },
    ...WORKER_CONFIG_ARG,
    batch: { type: "string", valueHint: "N", default: "5", description: "continuous: tasks leased per batch" },
    seedbox: {
      type: "string",
      valueHint: "NAME",
      description: "continuous: where downloads go (default: the config's first seedbox)",
    },
    idleMax: {
      type: "string",
      valueHint: "DURATION",
      default: "60s",
      description: "continuous: the longest wait when the queue is empty",
    },
    poll: {
      type: "string",
      valueHint: "DURATION",
      default: "60s",
      description:
        "continuous: how often seedboxes are asked about downloads handed off " +
        "(an rtorrent seedbox with its session: at start only; its index reports the rest)",
    },
    ...LOG_ARGS,
  },
  examples: `
EXAMPLES
  seedwatch queue work metadata 20 --config worker.ts        search 20 albums on every site
  seedwatch queue work torrent OPS 10 box1 --config worker.ts  download 10 torrents from OPS into box1
  seedwatch queue work --config worker.ts                    both, until SIGTERM (a service)
  seedwatch service install --queue-worker worker.ts         run it as a service

worker.ts (types: seedwatch init):
  import { defineWorker } from "seedwatch";
  export default defineWorker({
    coordinator: { url: "http://127.0.0.1:8080", token: { env: "QUEUE_TOKEN" } },
    sites: [{ name: "OPS", url: "https://orpheus.network", api_key: { file: "/home/me/.ops-key" } }],
    seedboxes: [{ name: "box1", watch_dir: "/home/me/watch" }],
  });

EXIT CODES
  0 every task leased was settled (found, not found, handed off, or failed for good);
  10 some went back to the queue because a site, a seedbox or the coordinator failed
  (they are tried again later: never recorded as "not found"); 2, 3, 9 usage, config,
  a worker.ts that does not load. SIGTERM: tasks under way finish, the others go back, exit 0.`,
  async run(a) {
    applyLogArgs(a);
    if (a.kind !== undefined && a.kind !== "metadata" && a.kind !== "torrent")
      throw new UsageError(
        `unknown kind of work "${a.kind}"`,
        "seedwatch queue work metadata N | torrent SITE N SEEDBOX",
      );
    const want = a.kind === "metadata" ? 1 : a.kind === "torrent" ? 3 : 0;
    if (a.rest.length !== want)
      throw new UsageError(
        `queue work${a.kind ? ` ${a.kind}` : ""} ` +
          `takes ${want === 0 ? "no arguments" : want === 1 ? "N" : "SITE N SEEDBOX"}`,
        "seedwatch queue work metadata N | torrent SITE N SEEDBOX | (nothing: keep working)",
      );
    const w = await wire(a.config);
    if (a.kind === undefined) return continuous(w, a);
    await w.coordinator.whoami(); // a wrong URL or token says so before any lease
    const abort = new AbortController();
    const stopListening = onSignals({ stop: () => abort.abort() }, process);
    const say = (l: string) => process.stdout.write(`${l}\n`);
    try {
      if (a.kind === "metadata") {
        const t = await runMetadataBatch(
          { coordinator: w.coordinator, sites: w.sites, clock: realClock, signal: abort.signal },
          size(a.rest[0]!),
        );
        say(
          `albums: ${t.leased} leased, ${t.found} found, ${t.notFound} not found, ` +
            `${t.failed} given back with an error, ${t.released} released, ${t.lost} lost lease; ` +
            `shared cache ${w.cache.hits} hits, ${w.cache.misses} misses`,
        );
        return t.failed > 0 ? EXIT.http : 0;
      }
      const [siteName, n, boxName] = a.rest as [string, string, string];
      const site = siteNamed(w.sites, siteName);
      const box = w.boxes.get(boxName);
      const t = await runTorrentBatch(
        { coordinator: w.coordinator, clock: realClock, signal: abort.signal },
        site,
        size(n),
        box,
      );
      say(
        `downloads: ${t.leased} leased, ${t.handedOff} handed off to ${box.name}, ` +
          `${t.retry} given back to try again, ${t.failed} failed, ${t.released} released, ${t.lost} lost lease`,
      );
      return t.retry > 0 ? EXIT.http : 0;
    } finally {
      stopListening();
      await w.boxes.close();
    }
  },
});

// --- internal ---

function size(text: string): number {
  const n = wholeNumber(text, "N", 1, 10);
  if (n > MAX_BATCH)
    throw new UsageError(
      `N is at most ${MAX_BATCH} per batch`,
      "run it again for more, or run 'queue work' continuously",
    );
  return n;
}

async function continuous(w: Wired, a: { batch: string; seedbox: string | undefined; idleMax: string; poll: string }) {
  const box = a.seedbox ?? w.boxes.names[0]!;
  w.boxes.get(box); // an unknown name fails now, not at the first download
  const service = new WorkerService({
    ...w,
    seedboxFor: () => box,
    clock: realClock,
    batch: Math.min(MAX_BATCH, wholeNumber(a.batch, "--batch", 1, 5)),
    idleBaseMs: 1000,
    idleMaxMs: parseDuration(a.idleMax, "--idle-max"),
    pollEveryMs: parseDuration(a.poll, "--poll"),
    indexed: w.indexed.map((b) => b.name),
  });
  // An rtorrent seedbox with its session named: seedwatch's index of it, in this process,
  // reports its completions (queue/worker/index-completions.ts).
  const indexes = w.indexed.map((b) => new TrackerService(indexSetup(b, w)));
  const supervisor = new Supervisor({ makeWatcher: (h) => new InotifyWatcher(h), clock: realClock, tag: "queue" });
  await supervisor.add([...indexes, service]);
  log.withTag("worker").debug(`seedbox for downloads: ${box}`);
  const stopListening = onSignals({ stop: (why) => supervisor.stop(why) }, process);
  try {
    return await supervisor.run();
  } finally {
    stopListening();
  }
}
