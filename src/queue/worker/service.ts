// The continuous worker (`seedwatch queue work --config worker.ts`), as a service of the
// supervisor. Theory of operation: rounds, one after the other, until stop():
//   - a metadata batch, and a download batch per site (into that site's seedbox), at once;
//     each heartbeats its own leases while it runs;
//   - every `pollEveryMs`, the seedboxes are asked about the downloads this worker handed
//     off, and those complete are reported with their path; a seedbox whose completions
//     come from seedwatch's rtorrent index in this process (`indexed`) is asked only in
//     the first round (what finished while the worker was down), the index reports the rest;
//   - a round that got no task waits before the next, longer each time (capped
//     exponential: idleBaseMs, ×2, … idleMaxMs); a round with work resets it. A round that
//     failed to reach the coordinator waits the same way.
// stop() (SIGTERM) aborts the rounds: albums not settled go back at once ("release"),
// a download under way finishes its hand-off (a seedbox may already have it) and is
// reported, the downloads not started go back; then stop() resolves and the process
// exits 0.
// A token the coordinator refuses ends the service (ended: its exit code): no amount of
// waiting fixes it.

import type { Clock } from "../../clock.ts";
import { log } from "../../log.ts";
import type { Service, WatchRequest } from "../../supervisor/index.ts";
import type { CoordinatorCache } from "./cache.ts";
import { type CoordinatorClient, CoordinatorError } from "./coordinator.ts";
import { runMetadataBatch } from "./metadata.ts";
import { pollCompletions } from "./progress.ts";
import type { Seedboxes } from "./seedboxes.ts";
import type { Site } from "./sites.ts";
import { runTorrentBatch } from "./torrent.ts";

const out = log.withTag("worker");

export interface WorkerOptions {
  coordinator: CoordinatorClient;
  cache: CoordinatorCache;
  sites: Site[];
  boxes: Seedboxes;
  /** The seedbox each site's downloads go to. */
  seedboxFor: (site: Site) => string;
  clock: Clock;
  /** Tasks leased per batch. */
  batch: number;
  idleBaseMs: number;
  idleMaxMs: number;
  pollEveryMs: number;
  /** Seedboxes whose completions the rtorrent index in this process reports (index-completions.ts). */
  indexed?: string[];
}

export class WorkerService implements Service {
  readonly name = "queue worker";
  readonly ended: Promise<number>;
  private end!: (code: number) => void;
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private me = "";
  private lastPoll = Number.NEGATIVE_INFINITY;
  private polled = false;

  constructor(private readonly o: WorkerOptions) {
    this.ended = new Promise((r) => (this.end = r));
  }

  watches(): WatchRequest[] {
    return [];
  }

  onEvent(): void {}

  async start(): Promise<void> {
    this.me = (await this.o.coordinator.whoami()).name;
    out.info(
      `working for ${this.o.coordinator.url} as ${this.me}: ` +
        `sites ${this.o.sites.map((s) => s.name).join(", ")}; seedboxes ${this.o.boxes.names.join(", ")}`,
    );
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    if (!this.abort.signal.aborted)
      out.info("stopping: giving back the albums not settled, finishing the hand-off under way");
    this.abort.abort();
    this.wake?.();
    await this.loop;
    await this.o.boxes.close();
  }

  // --- internal ---

  private async run(): Promise<void> {
    let idle = 0;
    while (!this.abort.signal.aborted) {
      let got = 0;
      try {
        got = await this.round();
      } catch (err) {
        if (err instanceof CoordinatorError && (err.status === 401 || err.status === 403)) {
          out.error(`${err.message}${err.hint ? ` (hint: ${err.hint})` : ""}`);
          this.end(err.exitCode);
          return;
        }
        out.warn(`round failed: ${(err as Error).message}`);
      }
      idle = got > 0 ? 0 : idle + 1;
      if (idle > 0) {
        const ms = Math.min(this.o.idleMaxMs, this.o.idleBaseMs * 2 ** (idle - 1));
        out.debug(`nothing to do; next look in ${ms} ms`);
        await this.sleep(ms);
      }
    }
  }

  /** One round; returns how many tasks it leased. */
  private async round(): Promise<number> {
    const signal = this.abort.signal;
    const deps = { coordinator: this.o.coordinator, clock: this.o.clock, signal };
    const [meta, ...dl] = await Promise.all([
      runMetadataBatch({ ...deps, sites: this.o.sites }, this.o.batch),
      ...this.o.sites.map((s) => runTorrentBatch(deps, s, this.o.batch, this.o.boxes.get(this.o.seedboxFor(s)))),
    ]);
    if (meta.leased > 0)
      out.info(`albums: ${meta.found} found, ${meta.notFound} not found, ${meta.failed} given back${this.cacheNote()}`);
    const now = this.o.clock.now();
    if (now - this.lastPoll >= this.o.pollEveryMs && !signal.aborted) {
      this.lastPoll = now;
      const skip = new Set(this.polled ? this.o.indexed : []);
      await pollCompletions(this.o.coordinator, this.me, this.o.boxes, signal, skip);
      this.polled = true;
    }
    return meta.leased + dl.reduce((n, t) => n + t.leased, 0);
  }

  private cacheNote(): string {
    const { hits, misses } = this.o.cache;
    return hits + misses > 0 ? ` (shared cache: ${hits} hits, ${misses} misses so far)` : "";
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = this.o.clock.setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        this.o.clock.clearTimeout(t);
        this.wake = undefined;
        resolve();
      };
    });
  }
}
