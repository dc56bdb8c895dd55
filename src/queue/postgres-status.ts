// What the PostgreSQL queue looks like from outside (the web page, `seedwatch queue
// list` and `stats`): pages of albums and downloads, counts by state and site, the
// workers last heard from, and the activity lines every batch writes.

import type { Album, Download, ListQuery, Page, Stats } from "./model.ts";
import type { PgQueue, Tx } from "./postgres-store.ts";
import { albumOf, downloadOf, StatsBuilder, type AlbumRow } from "./rows.ts";

export async function listAlbums(q: PgQueue, l: ListQuery): Promise<Page<Album>> {
  const state = l.state ?? null;
  const rows: AlbumRow[] = await q.sql`
    SELECT * FROM albums WHERE (${state}::text IS NULL OR state = ${state}) AND id > ${l.after ?? 0}
    ORDER BY id LIMIT ${l.limit + 1}`;
  const page = rows.slice(0, l.limit);
  const lo = page[0]?.id ?? 0;
  const hi = page.at(-1)?.id ?? 0;
  const sites = await q.sql`
    SELECT album_id, site, torrent_ids FROM album_sites WHERE album_id BETWEEN ${lo} AND ${hi} ORDER BY site`;
  const links = await q.sql`
    SELECT album_id, download_id FROM album_downloads WHERE album_id BETWEEN ${lo} AND ${hi} ORDER BY download_id`;
  return { items: page.map((r) => albumOf(r, sites, links)), ...(rows.length > l.limit ? { next: hi } : {}) };
}

export async function listDownloads(q: PgQueue, l: ListQuery): Promise<Page<Download>> {
  const state = l.state ?? null;
  const site = l.site ?? null;
  const rows: (Record<string, unknown> & { id: number })[] = await q.sql`
    SELECT * FROM downloads
    WHERE (${state}::text IS NULL OR state = ${state}) AND (${site}::text IS NULL OR site = ${site})
      AND id > ${l.after ?? 0}
    ORDER BY id LIMIT ${l.limit + 1}`;
  const page = rows.slice(0, l.limit);
  const links = await q.sql`
    SELECT album_id, download_id FROM album_downloads
    WHERE download_id BETWEEN ${page[0]?.id ?? 0} AND ${page.at(-1)?.id ?? 0} ORDER BY album_id`;
  return {
    items: page.map((r) => downloadOf(r, links)),
    ...(rows.length > l.limit ? { next: page.at(-1)!.id } : {}),
  };
}

export async function stats(q: PgQueue): Promise<Stats> {
  const s = new StatsBuilder();
  for (const r of await q.sql`SELECT state, count(*) AS n FROM albums GROUP BY state`) s.album(r.state, r.n);
  for (const r of await q.sql`SELECT site, state, count(*) AS n FROM downloads GROUP BY site, state ORDER BY site`)
    s.download(r.site, r.state, r.n);
  s.workers = await q.sql`
    SELECT name, last_seen AS "lastSeen", last_action AS "lastAction" FROM workers ORDER BY last_seen DESC LIMIT 50`;
  s.activity = await q.sql`SELECT at, worker, what FROM activity ORDER BY id DESC LIMIT 20`;
  return s.done();
}

/** A worker was heard from (the web page's "last seen"). */
export async function touchWorker(q: PgQueue, name: string, what: string): Promise<void> {
  await q.sql`
    INSERT INTO workers (name, last_seen, last_action) VALUES (${name}, ${q.clock.now()}, ${what})
    ON CONFLICT (name) DO UPDATE SET last_seen = excluded.last_seen, last_action = excluded.last_action`;
}

/** Note one line of recent activity (the table keeps about the last 500). */
export async function note(tx: Tx, worker: string, at: number, what: string): Promise<void> {
  const [r] = await tx`INSERT INTO activity (at, worker, what) VALUES (${at}, ${worker}, ${what}) RETURNING id`;
  if (r.id % 100 === 0) await tx`DELETE FROM activity WHERE id <= ${r.id - 500}`;
}
