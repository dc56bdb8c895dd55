// What the SQLite queue looks like from outside (the web page, `seedwatch queue list` and
// `stats`): pages of albums and downloads, counts by state and site, the workers last
// heard from, and the activity lines every batch writes.

import type { Database } from "bun:sqlite";
import type { Album, Download, ListQuery, Page, Stats } from "./model.ts";
import { albumOf, downloadOf, StatsBuilder, type AlbumRow } from "./rows.ts";
import type { SqliteQueue } from "./sqlite-store.ts";

export function listAlbums(q: SqliteQueue, l: ListQuery): Page<Album> {
  const rows = q.db
    .query<AlbumRow, [string | null, string | null, number, number]>(
      "SELECT * FROM albums WHERE (? IS NULL OR state = ?) AND id > ? ORDER BY id LIMIT ?",
    )
    .all(l.state ?? null, l.state ?? null, l.after ?? 0, l.limit + 1);
  const page = rows.slice(0, l.limit);
  const lo = page[0]?.id ?? 0;
  const hi = page.at(-1)?.id ?? 0;
  const sites = q.db
    .query<{ album_id: number; site: string; torrent_ids: string }, [number, number]>(
      "SELECT album_id, site, torrent_ids FROM album_sites WHERE album_id BETWEEN ? AND ? ORDER BY site",
    )
    .all(lo, hi);
  const links = q.db
    .query<{ album_id: number; download_id: number }, [number, number]>(
      "SELECT album_id, download_id FROM album_downloads WHERE album_id BETWEEN ? AND ? ORDER BY download_id",
    )
    .all(lo, hi);
  return {
    items: page.map((r) => albumOf(r, sites, links)),
    ...(rows.length > l.limit ? { next: hi } : {}),
  };
}

export function listDownloads(q: SqliteQueue, l: ListQuery): Page<Download> {
  const rows = q.db
    .query<Record<string, unknown> & { id: number }, (string | number | null)[]>(
      `SELECT * FROM downloads WHERE (? IS NULL OR state = ?) AND (? IS NULL OR site = ?) AND id > ?
       ORDER BY id LIMIT ?`,
    )
    .all(l.state ?? null, l.state ?? null, l.site ?? null, l.site ?? null, l.after ?? 0, l.limit + 1);
  const page = rows.slice(0, l.limit);
  const links = q.db
    .query<{ album_id: number; download_id: number }, [number, number]>(
      "SELECT album_id, download_id FROM album_downloads WHERE download_id BETWEEN ? AND ? ORDER BY album_id",
    )
    .all(page[0]?.id ?? 0, page.at(-1)?.id ?? 0);
  return {
    items: page.map((r) => downloadOf(r, links)),
    ...(rows.length > l.limit ? { next: page.at(-1)!.id } : {}),
  };
}

export function stats(q: SqliteQueue): Stats {
  const s = new StatsBuilder();
  for (const r of q.db
    .query<{ state: string; n: number }, []>("SELECT state, count(*) AS n FROM albums GROUP BY state")
    .all())
    s.album(r.state, r.n);
  const bySite = q.db
    .query<{ site: string; state: string; n: number }, []>(
      "SELECT site, state, count(*) AS n FROM downloads GROUP BY site, state ORDER BY site",
    )
    .all();
  for (const r of bySite) s.download(r.site, r.state, r.n);
  s.workers = q.db
    .query<{ name: string; lastSeen: number; lastAction: string }, []>(
      "SELECT name, last_seen AS lastSeen, last_action AS lastAction FROM workers ORDER BY last_seen DESC LIMIT 50",
    )
    .all();
  s.activity = q.db
    .query<{ at: number; worker: string; what: string }, []>(
      "SELECT at, worker, what FROM activity ORDER BY id DESC LIMIT 20",
    )
    .all();
  return s.done();
}

/** A worker was heard from (the web page's "last seen"). */
export function touchWorker(q: SqliteQueue, name: string, what: string): void {
  q.db
    .query(
      `INSERT INTO workers (name, last_seen, last_action) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET last_seen = excluded.last_seen, last_action = excluded.last_action`,
    )
    .run(name, q.clock.now(), what);
}

/** One line of recent activity per batch; the table keeps the last 500. */
export class ActivityLog {
  private count = 0;

  constructor(private readonly db: Database) {}

  note(worker: string, at: number, what: string): void {
    this.db.query("INSERT INTO activity (at, worker, what) VALUES (?, ?, ?)").run(at, worker, what);
    if (++this.count % 100 === 0) this.db.run("DELETE FROM activity WHERE id <= (SELECT max(id) - 500 FROM activity)");
  }
}
