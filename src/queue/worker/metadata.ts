// One metadata batch (`seedwatch queue work metadata N`, and each round of the continuous
// worker): lease up to N albums, search each on every site, submit what was found.
//
// Theory of operation
// - The leases are extended (Heartbeat) for as long as the batch runs.
// - Albums run a few at a time (`parallel`); each site's one rate limiter spaces the
//   requests, so more at once would only wait in its queue (and be slower to stop).
// - Per album: every site is searched. Found anywhere → submitted with the sites that
//   answered (torrent ids where found, [] where not). Not found on any site and every
//   site answered → submitted as not found. Not found where it answered, but a site
//   failed (network, rate limit past the retries, auth, a broken answer) → given back
//   as an error with the reason: an album is "not found" only when every site said so.
// - `signal` aborted (SIGTERM): albums not settled yet are given back at once ("release":
//   no attempt counted) rather than waiting out the site's rate limit; a search under way
//   is abandoned (its answer, if any, is dropped).
// - A lease the coordinator says is lost (it ran out; another worker has the album) is
//   not submitted.

import type { Clock } from "../../clock.ts";
import { log } from "../../log.ts";
import { GazelleError } from "../gazelle/errors.ts";
import type { AlbumLease, GiveBack, LeaseRef, SiteResult } from "../model.ts";
import type { CoordinatorClient } from "./coordinator.ts";
import { Heartbeat } from "./heartbeat.ts";
import type { Site } from "./sites.ts";

const out = log.withTag("worker");

export interface MetadataDeps {
  coordinator: CoordinatorClient;
  sites: Site[];
  clock: Clock;
  /** Albums searched at once (default 4). */
  parallel?: number;
  signal?: AbortSignal;
}

export interface MetadataTally {
  leased: number;
  found: number;
  notFound: number;
  /** Given back with an error (a site failed): tried again later. */
  failed: number;
  /** Given back unstarted at a stop. */
  released: number;
  /** Leases that ran out meanwhile (not submitted). */
  lost: number;
}

export async function runMetadataBatch(deps: MetadataDeps, n: number): Promise<MetadataTally> {
  const tally: MetadataTally = { leased: 0, found: 0, notFound: 0, failed: 0, released: 0, lost: 0 };
  if (deps.signal?.aborted) return tally;
  const leases = await deps.coordinator.leaseAlbums(n);
  tally.leased = leases.length;
  if (leases.length === 0) return tally;
  const beat = new Heartbeat(
    "album",
    (refs) => deps.coordinator.extendAlbums(refs),
    deps.clock,
    Heartbeat.interval(leases[0]!.until - Date.now()),
  );
  beat.hold(leases);
  try {
    const queue = [...leases];
    const lane = async () => {
      for (let a = queue.shift(); a; a = queue.shift()) {
        if (deps.signal?.aborted) {
          await settle(deps, beat, a, STOPPING, tally);
          continue;
        }
        await settle(deps, beat, a, await untilAborted(searchAlbum(deps.sites, a), deps.signal), tally);
      }
    };
    await Promise.all(Array.from({ length: Math.min(deps.parallel ?? 4, leases.length) }, lane));
  } finally {
    await beat.stop();
  }
  return tally;
}

/** What one album's search came to: results to submit, or why it goes back. */
export type AlbumOutcome = { sites: SiteResult[] } | { kind: "error" | "release"; reason: string };

export async function searchAlbum(sites: Site[], a: AlbumLease): Promise<AlbumOutcome> {
  const answered: SiteResult[] = [];
  const errors: string[] = [];
  for (const site of sites) {
    try {
      const r = await site.search.find({ sortArtist: a.artist, album: a.title });
      const ids = r.found ? r.choices.map((c) => c.torrent.id) : [];
      answered.push({ site: site.host, torrentIds: ids });
      out.info(
        `album ${a.id} "${a.artist} - ${a.title}" on ${site.name}: ` +
          (ids.length
            ? `found, torrent ${ids.join(", ")}`
            : r.found
              ? "found, no torrent meets the preferences"
              : "not found"),
      );
    } catch (err) {
      // a bug below is an error too: never "not found"
      const why = err instanceof GazelleError ? err.message : `${site.name}: ${(err as Error).message}`;
      errors.push(why);
      out.warn(`album ${a.id} "${a.artist} - ${a.title}": ${why}`);
    }
  }
  if (answered.some((s) => s.torrentIds.length > 0) || errors.length === 0) return { sites: answered };
  return { kind: "error", reason: errors.join("; ").slice(0, 500) };
}

// --- internal ---

const STOPPING: AlbumOutcome = { kind: "release", reason: "the worker is stopping" };

/** The search's outcome, or a release as soon as the worker is told to stop. */
function untilAborted(search: Promise<AlbumOutcome>, signal: AbortSignal | undefined): Promise<AlbumOutcome> {
  if (!signal) return search;
  if (signal.aborted) return Promise.resolve(STOPPING);
  return new Promise((resolve, reject) => {
    const stop = () => resolve(STOPPING);
    signal.addEventListener("abort", stop, { once: true });
    search.then(resolve, reject).finally(() => signal.removeEventListener("abort", stop));
  });
}

async function settle(
  deps: MetadataDeps,
  beat: Heartbeat,
  a: AlbumLease,
  o: AlbumOutcome,
  tally: MetadataTally,
): Promise<void> {
  beat.release(a.id);
  if (beat.isLost(a.id)) {
    tally.lost++;
    return;
  }
  const ref: LeaseRef = { id: a.id, lease: a.lease };
  try {
    if ("sites" in o) {
      const [r] = await deps.coordinator.submitAlbums([{ ...ref, sites: o.sites }]);
      if (r === "lost-lease" || r === "wrong-state") tally.lost++;
      else if (o.sites.some((s) => s.torrentIds.length > 0)) tally.found++;
      else tally.notFound++;
      return;
    }
    const item: GiveBack = { ...ref, kind: o.kind, reason: o.reason };
    const [r] = await deps.coordinator.giveBackAlbums([item]);
    if (r === "lost-lease") tally.lost++;
    else if (o.kind === "release") tally.released++;
    else tally.failed++;
  } catch (err) {
    // the coordinator did not take it: the lease runs out and the album comes back by itself
    out.error(`album ${a.id}: could not report to the coordinator (${(err as Error).message}); its lease will run out`);
    tally.failed++;
  }
}
