// The queue's data, as plain types: inventory albums and their metadata tasks, download
// tasks, leases, the metadata cache, tokens. No I/O here; both stores and the HTTP layer
// speak these shapes.

export const ALBUM_STATES = ["pending", "leased", "found", "not_found", "failed"] as const;
export type AlbumState = (typeof ALBUM_STATES)[number];

export const DOWNLOAD_STATES = ["queued", "leased", "handed_off", "complete", "failed"] as const;
export type DownloadState = (typeof DOWNLOAD_STATES)[number];

/** How leases, retries and the cache behave. Times in ms. */
export interface QueuePolicy {
  /** A metadata task's lease (distleech: 1 h). */
  albumLeaseMs: number;
  /** A download task's lease (distleech: 14 days, since its clients never reported back). */
  downloadLeaseMs: number;
  /** Leases a task may get (expired leases and errors count; a plain give-back does not). */
  maxAttempts: number;
  /** After an error, a task waits base × 2^(attempts-1), at most backoffMaxMs. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Cached artist pages are fresh this long (distleech: 7 days). Torrent pages do not expire. */
  artistTtlMs: number;
}

export const DEFAULT_POLICY: QueuePolicy = {
  albumLeaseMs: 3_600_000,
  downloadLeaseMs: 14 * 86_400_000,
  maxAttempts: 10,
  backoffBaseMs: 60_000,
  backoffMaxMs: 6 * 3_600_000,
  artistTtlMs: 7 * 86_400_000,
};

/** A row of the inventory as imported. `extra` holds the CSV's other columns. */
export interface NewAlbum {
  artist: string;
  title: string;
  extra?: Record<string, string>;
}

export type AddOutcome = "added" | "duplicate" | "duplicate-normalised";

export interface Album {
  id: number;
  artist: string;
  title: string;
  extra: Record<string, string>;
  state: AlbumState;
  attempts: number;
  worker: string | null;
  leaseUntil: number | null;
  error: string | null;
  /** Per site: the torrent ids found there ([] = not found on that site). */
  results: SiteResult[];
  /** Download tasks linked to this album. */
  downloads: number[];
  updatedAt: number;
}

export interface SiteResult {
  site: string;
  torrentIds: number[];
}

export interface Download {
  id: number;
  site: string;
  siteTorrentId: number;
  state: DownloadState;
  attempts: number;
  worker: string | null;
  leaseUntil: number | null;
  seedbox: string | null;
  infoHash: string | null;
  localPath: string | null;
  reason: string | null;
  albums: number[];
  updatedAt: number;
}

/** A task handed to one worker: `lease` names this hand-out, and only it may extend or settle it. */
export interface AlbumLease {
  id: number;
  lease: string;
  artist: string;
  title: string;
  extra: Record<string, string>;
  attempt: number;
  until: number;
}

export interface DownloadLease {
  id: number;
  lease: string;
  site: string;
  siteTorrentId: number;
  attempt: number;
  until: number;
}

export interface LeaseRef {
  id: number;
  lease: string;
}

/**
 * Why a task comes back unfinished. `error` (tracker down, rate limited) counts and backs off;
 * `release` does neither; `gone` (downloads: torrent deleted or trumped) fails it now.
 */
export type GiveBackKind = "error" | "release" | "gone";

export interface GiveBack extends LeaseRef {
  kind: GiveBackKind;
  reason: string;
}

export interface AlbumResult {
  id: number;
  /** Absent for distleech's /metadata/submit, which has no leases. */
  lease?: string;
  sites: SiteResult[];
}

export interface HandOff extends LeaseRef {
  seedbox: string;
  infoHash?: string;
}

export interface Completion {
  site: string;
  siteTorrentId: number;
  localPath: string;
}

/** What happened to one item of a batch call. */
export type Outcome = "ok" | "duplicate" | "unknown" | "lost-lease" | "wrong-state";

/**
 * A batch named a task that does not exist: a client bug, not a state. The whole batch is
 * rolled back (a bad request writes nothing).
 */
export class UnknownTaskError extends Error {
  constructor(
    readonly what: "album" | "download",
    readonly ids: number[],
  ) {
    super(`no ${what}${ids.length > 1 ? "s" : ""} ${ids.join(", ")} in the queue`);
  }
}

/** Throw UnknownTaskError when any item came out "unknown" (inside the transaction: it rolls back). */
export function refuseUnknown(what: "album" | "download", ids: number[], out: Outcome[]): Outcome[] {
  const unknown = ids.filter((_, i) => out[i] === "unknown");
  if (unknown.length) throw new UnknownTaskError(what, unknown);
  return out;
}

export interface Page<T> {
  items: T[];
  /** Pass as `after` for the next page; absent at the end. */
  next?: number;
}

export interface ListQuery {
  state?: string;
  site?: string;
  after?: number;
  limit: number;
}

export interface Stats {
  albums: Record<AlbumState, number> & { total: number };
  downloads: Record<DownloadState, number> & { total: number };
  /** site → state → count */
  downloadsBySite: Record<string, Partial<Record<DownloadState, number>>>;
  workers: { name: string; lastSeen: number; lastAction: string }[];
  activity: Activity[];
}

export interface Activity {
  at: number;
  worker: string;
  what: string;
}

export type CacheKind = "artist" | "torrent";

export interface CacheEntry {
  body: unknown;
  fetchedAt: number;
}

export interface TokenRecord {
  name: string;
  hash: string;
  readOnly: boolean;
  createdAt: number;
}

/** Backoff after `attempts` counted attempts. */
export function backoffMs(p: QueuePolicy, attempts: number): number {
  return Math.min(p.backoffMaxMs, p.backoffBaseMs * 2 ** Math.max(0, attempts - 1));
}

/**
 * The key duplicates are found by: Unicode NFKC, case folded, punctuation runs and
 * whitespace collapsed to one space, a leading "The " of the artist dropped.
 * "Cockburn,  Bruce" and "cockburn, bruce" are one album.
 */
export function albumKey(artist: string, title: string): string {
  const norm = (s: string) =>
    s
      .normalize("NFKC")
      .toLowerCase()
      .replace(/[\s\p{P}]+/gu, " ")
      .trim();
  return `${norm(artist).replace(/^the /, "")}\t${norm(title)}`;
}

/** distleech keeps a site as its host name: "https://passtheheadphones.me/" → "passtheheadphones.me". */
export function siteHost(site: string): string {
  const s = site.trim();
  try {
    return new URL(s.includes("://") ? s : `https://${s}`).host.toLowerCase();
  } catch {
    return s.toLowerCase();
  }
}
