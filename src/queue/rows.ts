// What both stores share: rows turned into the model's shapes, the give-back decision,
// what each settling call answers for a row in a given state, lease ids, activity lines
// and the stats being counted.

import {
  ALBUM_STATES,
  backoffMs,
  DOWNLOAD_STATES,
  type Activity,
  type Album,
  type AlbumLease,
  type AlbumState,
  type Completion,
  type Download,
  type DownloadLease,
  type DownloadState,
  type GiveBack,
  type HandOff,
  type Outcome,
  type QueuePolicy,
  type Stats,
} from "./model.ts";

/** The rows a lease statement returned, as leases: those it leased (not those it failed at the cap), by id. */
export function albumLeases(rows: AlbumRow[], lease: string, until: number): AlbumLease[] {
  return rows
    .filter((r) => r.state === "leased")
    .sort((a, b) => a.id - b.id)
    .map((r) => ({
      id: r.id,
      lease,
      artist: r.artist,
      title: r.title,
      extra: JSON.parse(r.extra),
      attempt: r.attempts,
      until,
    }));
}

/** The same for download tasks. */
export function downloadLeases(
  rows: { id: number; site_torrent_id: number | string; attempts: number; state: string }[],
  lease: string,
  site: string,
  until: number,
): DownloadLease[] {
  return rows
    .filter((r) => r.state === "leased")
    .sort((a, b) => a.id - b.id)
    .map((r) => ({ id: r.id, lease, site, siteTorrentId: Number(r.site_torrent_id), attempt: r.attempts, until }));
}

export interface AlbumRow {
  id: number;
  artist: string;
  title: string;
  extra: string;
  state: AlbumState;
  due_at: number | null;
  attempts: number;
  worker: string | null;
  error: string | null;
  updated_at: number;
}

/** A fresh lease id: 96 random bits, so a guess never settles another worker's task. */
export function leaseId(): string {
  const b = crypto.getRandomValues(new Uint8Array(12));
  return Buffer.from(b).toString("base64url");
}

/** "1 album", "3 albums": for the activity lines. */
export function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Whether any site found anything: the album is then "found". */
export function mergeSites(perSite: number[][]): boolean {
  return perSite.some((ids) => ids.length > 0);
}

export interface GiveBackPlan {
  state: string;
  dueAt: number | null;
  attempts: number;
  note: string | null;
}

/**
 * What a give-back does. `release`: back at once, the attempt not counted. `error`: the
 * attempt counts, the task waits out its backoff, and fails at the cap; it is never
 * recorded as "not found" (distleech turned every error into a NACK). `gone`: fails now.
 */
export function giveBackPlan(
  p: QueuePolicy,
  table: "albums" | "downloads",
  g: GiveBack,
  attempts: number,
  now: number,
): GiveBackPlan {
  const waiting = table === "albums" ? "pending" : "queued";
  if (g.kind === "release") return { state: waiting, dueAt: now, attempts: Math.max(0, attempts - 1), note: null };
  if (g.kind === "gone" || attempts >= p.maxAttempts)
    return {
      state: "failed",
      dueAt: null,
      attempts,
      note: g.kind === "gone" ? g.reason : `gave up after ${attempts} attempts: ${g.reason}`,
    };
  return { state: waiting, dueAt: now + backoffMs(p, attempts), attempts, note: g.reason };
}

/** The activity line of a give-back: how many, and the first reason. */
export function giveBackNote(table: "albums" | "downloads", items: GiveBack[]): string {
  return `gave back ${count(items.length, table.slice(0, -1))}${items[0] ? `: ${items[0].reason}` : ""}`;
}

// What each settling call answers for the row it found ("ok": go ahead and write).

type LeasedRow = { state: string; lease_id: string | null } | null | undefined;

/** A result for an album in `state` (undefined: no such album); settled ones are not settled again. */
export function submitOutcome(state: string | undefined): Outcome {
  return state === undefined ? "unknown" : state === "found" || state === "not_found" ? "duplicate" : "ok";
}

/** Only the lease that holds the task gives it back. */
export function giveBackOutcome(row: LeasedRow, g: GiveBack): Outcome {
  if (!row) return "unknown";
  if (row.state !== "leased" || row.lease_id !== g.lease) return "lost-lease";
  return "ok";
}

/** Only the lease that holds the download hands it off, once. */
export function handOffOutcome(row: LeasedRow, h: HandOff): Outcome {
  if (!row) return "unknown";
  if (row.lease_id !== h.lease) return "lost-lease";
  if (row.state === "handed_off" || row.state === "complete") return "duplicate";
  if (row.state !== "leased") return "wrong-state";
  return "ok";
}

/** A completion needs no lease; the same path reported twice is a duplicate. */
export function completeOutcome(
  row: { state: string; local_path: string | null } | null | undefined,
  c: Completion,
): Outcome {
  if (!row) return "unknown";
  if (row.state === "complete" && row.local_path === c.localPath) return "duplicate";
  return "ok";
}

export function albumOf(
  r: AlbumRow,
  sites: { album_id: number; site: string; torrent_ids: string }[],
  links: { album_id: number; download_id: number }[],
): Album {
  return {
    id: r.id,
    artist: r.artist,
    title: r.title,
    extra: typeof r.extra === "string" ? JSON.parse(r.extra) : r.extra,
    state: r.state,
    attempts: r.attempts,
    worker: r.worker,
    leaseUntil: r.state === "leased" ? Number(r.due_at) : null,
    error: r.error,
    results: sites
      .filter((s) => s.album_id === r.id)
      .map((s) => ({
        site: s.site,
        torrentIds: (typeof s.torrent_ids === "string" ? JSON.parse(s.torrent_ids) : s.torrent_ids) as number[],
      })),
    downloads: links.filter((l) => l.album_id === r.id).map((l) => l.download_id),
    updatedAt: Number(r.updated_at),
  };
}

export function downloadOf(r: Record<string, unknown>, links: { album_id: number; download_id: number }[]): Download {
  const id = Number(r.id);
  return {
    id,
    site: r.site as string,
    siteTorrentId: Number(r.site_torrent_id),
    state: r.state as DownloadState,
    attempts: Number(r.attempts),
    worker: (r.worker as string | null) ?? null,
    leaseUntil: r.state === "leased" ? Number(r.due_at) : null,
    seedbox: (r.seedbox as string | null) ?? null,
    infoHash: (r.info_hash as string | null) ?? null,
    localPath: (r.local_path as string | null) ?? null,
    reason: (r.reason as string | null) ?? null,
    albums: links.filter((l) => Number(l.download_id) === id).map((l) => Number(l.album_id)),
    updatedAt: Number(r.updated_at),
  };
}

/** Counts as the stores read them, turned into Stats (every state present, totals added). */
export class StatsBuilder {
  private readonly s: Stats = {
    albums: { ...zero(ALBUM_STATES), total: 0 },
    downloads: { ...zero(DOWNLOAD_STATES), total: 0 },
    downloadsBySite: {},
    workers: [],
    activity: [],
  };

  set workers(w: { name: string; lastSeen: number; lastAction: string }[]) {
    this.s.workers = w.map((x) => ({ name: x.name, lastSeen: Number(x.lastSeen), lastAction: x.lastAction }));
  }

  set activity(a: Activity[]) {
    this.s.activity = a.map((x) => ({ at: Number(x.at), worker: x.worker, what: x.what }));
  }

  album(state: string, n: number | string): void {
    this.s.albums[state as AlbumState] = Number(n);
    this.s.albums.total += Number(n);
  }

  download(site: string, state: string, n: number | string): void {
    this.s.downloads[state as DownloadState] += Number(n);
    this.s.downloads.total += Number(n);
    (this.s.downloadsBySite[site] ??= {})[state as DownloadState] = Number(n);
  }

  done(): Stats {
    return this.s;
  }
}

function zero<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}
