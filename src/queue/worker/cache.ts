// GazelleCache over the coordinator's /api/v1/cache, so every worker of a queue shares
// one set of lookups: an artist page one worker fetched is a hit for the next, on any box.
// The coordinator decides freshness of artist pages by its --artist-ttl (a stale page
// is a 404) and stamps what is stored with its own time; search.ts checks `fetchedAt`
// again with the worker's TTL. Bodies are wrapped (`{ value }`) so that "no such artist"
// (null) is a page like any other.
//
// The cache only saves requests: when the coordinator cannot answer a cache call, the
// lookup goes to the site (a miss) and a failed store is logged, never an album's error.
// Counters (`hits`, `misses`) feed the worker's summary line and the benchmark.

import { log } from "../../log.ts";
import type { Cached, GazelleCache } from "../gazelle/cache.ts";
import type { Artist, TorrentDetail } from "../gazelle/types.ts";
import type { CacheKind } from "../model.ts";
import type { CoordinatorClient } from "./coordinator.ts";

const out = log.withTag("worker");

export class CoordinatorCache implements GazelleCache {
  hits = 0;
  misses = 0;

  constructor(private readonly coordinator: CoordinatorClient) {}

  getArtist(host: string, key: string): Promise<Cached<Artist | null> | undefined> {
    return this.get("artist", host, key);
  }

  putArtist(host: string, key: string, entry: Cached<Artist | null>): Promise<void> {
    return this.put("artist", host, key, entry);
  }

  getTorrent(host: string, id: number): Promise<Cached<TorrentDetail> | undefined> {
    return this.get("torrent", host, String(id));
  }

  putTorrent(host: string, id: number, entry: Cached<TorrentDetail>): Promise<void> {
    return this.put("torrent", host, String(id), entry);
  }

  // --- internal ---

  private async get<T>(kind: CacheKind, host: string, key: string): Promise<Cached<T> | undefined> {
    let hit: Awaited<ReturnType<CoordinatorClient["cacheGet"]>>;
    try {
      hit = await this.coordinator.cacheGet(kind, host, key);
    } catch (err) {
      out.warn(`cache: ${(err as Error).message}; asking the site instead`);
      hit = undefined;
    }
    const body = hit?.body as { value?: T } | undefined;
    if (!hit || typeof body !== "object" || body === null || !("value" in body)) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    return { value: body.value as T, fetchedAt: hit.fetchedAt };
  }

  private async put<T>(kind: CacheKind, host: string, key: string, entry: Cached<T>): Promise<void> {
    try {
      await this.coordinator.cachePut(kind, host, key, { value: entry.value });
    } catch (err) {
      out.warn(`cache: not stored (${(err as Error).message})`);
    }
  }
}
