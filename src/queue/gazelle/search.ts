// Finding an inventory album on one site. Theory of operation:
//   1. the sort name becomes a display name (names.ts: "Cockburn, Bruce" → "Bruce Cockburn");
//   2. `browse` with artistname and groupname, one request, keeps the groups whose
//      title matches and whose artist is the one wanted;
//   3. failing that, the `artist` page (distleech's only lookup) through the cache, first
//      by the display name and then by the sort name as written (a band called
//      "Earth, Wind & Fire" has one comma too);
//   4. the matching groups at the best rank (an exact title beats a normalised one) pool
//      their torrents, and score.ts chooses among them.
// "Not found" is only ever the site's own answer: any failure on the way throws a
// GazelleError. Concurrent lookups of one artist share one request, and the cache keeps
// the answer for 7 days, so two albums of one artist cost one artist lookup.

import { type Clock, realClock } from "../../clock.ts";
import { ARTIST_TTL_MS, artistKey, type GazelleCache } from "./cache.ts";
import type { Gazelle } from "./client.ts";
import { matchRank, normalizeTitle, sortNameToArtist } from "./names.ts";
import { chooseTorrents, DEFAULT_PREFERENCES, type Preferences, type Scored } from "./score.ts";
import type { Artist, Group, TorrentDetail } from "./types.ts";

export interface AlbumQuery {
  /** As the inventory writes it: "Cockburn, Bruce". */
  sortArtist: string;
  album: string;
}

export type AlbumResult =
  | {
      found: true;
      via: "browse" | "artist";
      /** 2 when a title matched exactly, 1 when only once normalised. */
      rank: 1 | 2;
      groups: Group[];
      /** What to download, best first; empty when no torrent meets the preferences. */
      choices: Scored[];
    }
  | { found: false; artist: string };

export interface AlbumSearchOptions {
  /** The site's host: the cache's key, shared by every worker that searches this site. */
  host: string;
  prefer?: Preferences;
  clock?: Clock;
  artistTtlMs?: number;
  /** How long "no such artist" is believed. */
  unknownArtistTtlMs?: number;
}

export class AlbumSearch {
  private readonly inflight = new Map<string, Promise<Artist | null>>();
  private readonly prefer: Preferences;
  private readonly clock: Clock;

  constructor(
    private readonly gazelle: Gazelle,
    private readonly cache: GazelleCache,
    private readonly opts: AlbumSearchOptions,
  ) {
    this.prefer = opts.prefer ?? DEFAULT_PREFERENCES;
    this.clock = opts.clock ?? realClock;
  }

  async find(q: AlbumQuery): Promise<AlbumResult> {
    const artist = sortNameToArtist(q.sortArtist);
    const names = [...new Set([artist, q.sortArtist.trim()])].filter((n) => n !== "");
    const page = await this.gazelle.browse({ artistname: artist, groupname: q.album.trim() });
    const browsed = page.groups.filter((g) => byArtist(g, names));
    const viaBrowse = this.pick(browsed, q.album, "browse");
    if (viaBrowse) return viaBrowse;
    for (const name of names) {
      const found = await this.artist(name);
      const viaArtist = found && this.pick(found.groups, q.album, "artist");
      if (viaArtist) return viaArtist;
    }
    return { found: false, artist };
  }

  /** The artist page, from the cache when fresh; null when the site has no such artist. */
  artist(name: string): Promise<Artist | null> {
    const key = artistKey(name);
    let p = this.inflight.get(key);
    if (!p) {
      p = this.lookUpArtist(name, key).finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return p;
  }

  /** One torrent's metadata (with its file list), kept in the cache once fetched. */
  async torrentDetail(id: number): Promise<TorrentDetail | undefined> {
    const hit = await this.cache.getTorrent(this.opts.host, id);
    if (hit) return hit.value;
    const detail = await this.gazelle.torrent(id);
    if (detail) await this.cache.putTorrent(this.opts.host, id, { value: detail, fetchedAt: this.clock.now() });
    return detail;
  }

  // --- internal ---

  private async lookUpArtist(name: string, key: string): Promise<Artist | null> {
    const hit = await this.cache.getArtist(this.opts.host, key);
    const ttl =
      hit?.value === null ? (this.opts.unknownArtistTtlMs ?? 24 * 3600_000) : (this.opts.artistTtlMs ?? ARTIST_TTL_MS);
    if (hit && this.clock.now() - hit.fetchedAt < ttl) return hit.value;
    const value = (await this.gazelle.artist(name)) ?? null;
    await this.cache.putArtist(this.opts.host, key, { value, fetchedAt: this.clock.now() });
    return value;
  }

  private pick(groups: Group[], album: string, via: "browse" | "artist"): AlbumResult | undefined {
    let rank: 0 | 1 | 2 = 0;
    let best: Group[] = [];
    for (const g of groups) {
      const r = matchRank(album, g.name);
      if (r > rank) [rank, best] = [r, [g]];
      else if (r === rank && r > 0 && !best.some((b) => b.id === g.id)) best.push(g);
    }
    if (rank === 0) return undefined;
    const choices = chooseTorrents(
      best.flatMap((g) => g.torrents),
      this.prefer,
    );
    return { found: true, via, rank, groups: best, choices };
  }
}

/** Whether a browse row is by one of `names` (browse's artist filter is a word search, not equality). */
function byArtist(g: Group, names: string[]): boolean {
  if (g.artists.length === 0) return true;
  const have = g.artists.map((a) => ` ${normalizeTitle(a)} `);
  return names.some((n) => {
    const want = ` ${normalizeTitle(n)} `;
    return want.trim() !== "" && have.some((h) => h.includes(want));
  });
}
