// One download batch (`seedwatch queue work torrent SITE N SEEDBOX`, and each round of
// the continuous worker): lease up to N downloads of SITE, fetch each torrent's metadata
// (kept in the shared cache: `queue identify` matches finished data by its file list)
// and its .torrent file (checked: bencode, and the info hash the metadata gives), hand
// it to the seedbox, and report the hand-off with the info hash.
//
// What goes back, and how:
// - the site says the torrent is gone (deleted, trumped) → "gone": the download fails;
// - the site fails (network, rate limit, auth, a broken answer or file) → "error" with
//   the reason: tried again later, after the coordinator's backoff;
// - the seedbox refuses: HandOffError "retry" → "error"; "fail" → "gone" (failed);
// - a stop (SIGTERM) before a download started → "release" (no attempt counted).
// Nothing is dropped silently (distleech's bare `except: continue`).

import type { Clock } from "../../clock.ts";
import { log } from "../../log.ts";
import { GazelleError } from "../gazelle/errors.ts";
import { HandOffError, type Seedbox } from "../handoff/types.ts";
import type { DownloadLease, GiveBackKind } from "../model.ts";
import type { CoordinatorClient } from "./coordinator.ts";
import { Heartbeat } from "./heartbeat.ts";
import type { Site } from "./sites.ts";

const out = log.withTag("worker");

export interface TorrentDeps {
  coordinator: CoordinatorClient;
  clock: Clock;
  signal?: AbortSignal;
}

export interface TorrentTally {
  leased: number;
  handedOff: number;
  /** Given back to be tried again (site or seedbox trouble). */
  retry: number;
  /** Failed for good (gone from the site, refused by the seedbox). */
  failed: number;
  released: number;
  lost: number;
}

export async function runTorrentBatch(deps: TorrentDeps, site: Site, n: number, box: Seedbox): Promise<TorrentTally> {
  const tally: TorrentTally = { leased: 0, handedOff: 0, retry: 0, failed: 0, released: 0, lost: 0 };
  if (deps.signal?.aborted) return tally;
  const leases = await deps.coordinator.leaseDownloads(site.host, n);
  tally.leased = leases.length;
  if (leases.length === 0) return tally;
  const beat = new Heartbeat(
    "download",
    (refs) => deps.coordinator.extendDownloads(refs),
    deps.clock,
    Heartbeat.interval(leases[0]!.until - Date.now()),
  );
  beat.hold(leases);
  try {
    for (const d of leases) {
      const o: Outcome = deps.signal?.aborted
        ? { kind: "release", reason: "the worker is stopping" }
        : await fetchAndHandOff(site, d, box);
      beat.release(d.id);
      if (beat.isLost(d.id)) tally.lost++;
      else await report(deps.coordinator, d, box, o, tally);
    }
  } finally {
    await beat.stop();
  }
  return tally;
}

// --- internal ---

type Outcome = { infoHash: string } | { kind: GiveBackKind; reason: string };

async function fetchAndHandOff(site: Site, d: DownloadLease, box: Seedbox): Promise<Outcome> {
  const what = `download ${d.id} (${site.name} torrent ${d.siteTorrentId})`;
  let file: Awaited<ReturnType<Site["gazelle"]["download"]>>;
  try {
    const detail = await site.search.torrentDetail(d.siteTorrentId);
    if (!detail)
      return { kind: "gone", reason: `${site.name}: torrent ${d.siteTorrentId} is not on the site any more` };
    file = await site.gazelle.download(d.siteTorrentId, detail.torrent.infoHash);
  } catch (err) {
    const why = err instanceof GazelleError ? err.message : `${site.name}: ${(err as Error).message}`;
    out.warn(`${what}: ${why}`);
    return { kind: "error", reason: why.slice(0, 500) };
  }
  try {
    const ok = await box.handOff({
      bytes: file.bytes,
      infoHash: file.infoHash.toLowerCase(),
      site: site.name,
      siteTorrentId: d.siteTorrentId,
    });
    if (ok.infoHash.toLowerCase() !== file.infoHash.toLowerCase())
      return {
        kind: "error",
        reason: `seedbox ${box.name} reports info hash ${ok.infoHash}, the file's is ${file.infoHash}`,
      };
    out.info(`${what}: handed to ${box.name} (${file.name}, ${file.infoHash})`);
    return { infoHash: file.infoHash };
  } catch (err) {
    const retry = !(err instanceof HandOffError) || err.disposition === "retry";
    const why = `seedbox ${box.name}: ${(err as Error).message}`.slice(0, 500);
    out.warn(`${what}: ${why}${retry ? " (tried again later)" : ""}`);
    return { kind: retry ? "error" : "gone", reason: why };
  }
}

async function report(
  c: CoordinatorClient,
  d: DownloadLease,
  box: Seedbox,
  o: Outcome,
  tally: TorrentTally,
): Promise<void> {
  const ref = { id: d.id, lease: d.lease };
  try {
    if ("infoHash" in o) {
      const [r] = await c.handOff([{ ...ref, seedbox: box.name, infoHash: o.infoHash }]);
      if (r === "ok" || r === "duplicate") tally.handedOff++;
      else tally.lost++;
      return;
    }
    const [r] = await c.giveBackDownloads([{ ...ref, ...o }]);
    if (r === "lost-lease") tally.lost++;
    else if (o.kind === "release") tally.released++;
    else if (o.kind === "gone") tally.failed++;
    else tally.retry++;
  } catch (err) {
    out.error(
      `download ${d.id}: could not report to the coordinator (${(err as Error).message}); its lease will run out`,
    );
    tally.retry++;
  }
}
