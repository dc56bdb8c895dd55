// QueueStore on SQLite (bun:sqlite through openSqlite). Every batch is one IMMEDIATE
// transaction: the write lock is taken first, so two coordinators on one file (or two
// connections) serialise and a lease's UPDATE … RETURNING can never hand a row twice.

import type { Database } from "bun:sqlite";
import { openSqlite } from "../db/sqlite.ts";
import {
  albumKey,
  refuseUnknown,
  type AddOutcome,
  type Album,
  type AlbumLease,
  type AlbumResult,
  type CacheEntry,
  type CacheKind,
  type Completion,
  type Download,
  type DownloadLease,
  type GiveBack,
  type HandOff,
  type LeaseRef,
  type ListQuery,
  type NewAlbum,
  type Outcome,
  type Page,
  type QueuePolicy,
  type Stats,
  type TokenRecord,
} from "./model.ts";
import { SQLITE_MIGRATIONS } from "./sqlite-schema.ts";
import { WalCheckpointer } from "./checkpointer.ts";
import type { QueueClock, QueueStore } from "./store.ts";
import {
  albumLeases,
  albumOf,
  count,
  downloadOf,
  giveBackPlan,
  leaseId,
  mergeSites,
  StatsBuilder,
  type AlbumRow,
} from "./rows.ts";

export class SqliteQueueStore implements QueueStore {
  readonly backend = "sqlite" as const;
  private readonly db: Database;
  private activityCount = 0;
  private readonly checkpointer = new WalCheckpointer();

  constructor(
    private readonly path: string,
    readonly policy: QueuePolicy,
    private readonly clock: QueueClock,
  ) {
    this.db = openSqlite(path, { migrations: SQLITE_MIGRATIONS, what: "the queue", flag: "--db" });
  }

  async addAlbums(rows: NewAlbum[]): Promise<AddOutcome[]> {
    const now = this.clock.now();
    const exact = this.db.query<{ id: number }, [string, string]>(
      "SELECT id FROM albums WHERE artist = ? AND title = ?",
    );
    const insert = this.db.query(
      `INSERT INTO albums (artist, title, norm_key, extra, due_at, added_at, updated_at)
       VALUES (?, ?, ?, ?, 0, ?, ?) ON CONFLICT DO NOTHING`,
    );
    return this.tx(() =>
      rows.map((r): AddOutcome => {
        if (exact.get(r.artist, r.title)) return "duplicate";
        const added = insert.run(
          r.artist,
          r.title,
          albumKey(r.artist, r.title),
          JSON.stringify(r.extra ?? {}),
          now,
          now,
        );
        return added.changes === 1 ? "added" : "duplicate-normalised";
      }),
    );
  }

  async leaseAlbums(worker: string, n: number): Promise<AlbumLease[]> {
    const now = this.clock.now();
    const until = now + this.policy.albumLeaseMs;
    const lease = leaseId();
    const cap = this.policy.maxAttempts;
    const rows = this.tx(() => {
      const got = this.db
        .query<AlbumRow, (string | number)[]>(
          `UPDATE albums SET
             state = CASE WHEN attempts >= ? THEN 'failed' ELSE 'leased' END,
             due_at = CASE WHEN attempts >= ? THEN NULL ELSE ? END,
             attempts = attempts + (attempts < ?),
             lease_id = ?, worker = ?, updated_at = ?,
             error = CASE WHEN attempts >= ? THEN ? ELSE error END
           WHERE id IN (SELECT id FROM albums WHERE due_at <= ? ORDER BY due_at, id LIMIT ?)
           RETURNING *`,
        )
        .all(cap, cap, until, cap, lease, worker, now, cap, `gave up after ${cap} attempts`, now, n);
      this.note(worker, now, `leased ${count(got.filter((r) => r.state === "leased").length, "album")}`);
      return got;
    });
    return albumLeases(rows, lease, until);
  }

  async extendAlbums(refs: LeaseRef[]): Promise<Outcome[]> {
    return this.extend("albums", refs, this.clock.now() + this.policy.albumLeaseMs);
  }

  async giveBackAlbums(worker: string, items: GiveBack[]): Promise<Outcome[]> {
    return this.giveBack("albums", worker, items);
  }

  async submitAlbums(worker: string, results: AlbumResult[]): Promise<Outcome[]> {
    const now = this.clock.now();
    const get = this.db.query<{ state: string }, [number]>("SELECT state FROM albums WHERE id = ?");
    const sites = this.db.query<{ site: string; torrent_ids: string }, [number]>(
      "SELECT site, torrent_ids FROM album_sites WHERE album_id = ?",
    );
    const putSite = this.db.query(
      `INSERT INTO album_sites (album_id, site, torrent_ids, at) VALUES (?, ?, ?, ?)
       ON CONFLICT (album_id, site) DO UPDATE SET torrent_ids = excluded.torrent_ids, at = excluded.at`,
    );
    const putDownload = this.db.query<{ id: number }, [string, number, number, number]>(
      `INSERT INTO downloads (site, site_torrent_id, due_at, created_at, updated_at) VALUES (?, ?, 0, ?, ?)
       ON CONFLICT (site, site_torrent_id) DO UPDATE SET site = excluded.site RETURNING id`,
    );
    const link = this.db.query(
      "INSERT INTO album_downloads (album_id, download_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
    );
    const settle = this.db.query(
      `UPDATE albums SET state = ?, due_at = NULL, lease_id = coalesce(?, lease_id), worker = ?, error = NULL,
         updated_at = ? WHERE id = ?`,
    );
    return this.tx(() => {
      const out = results.map((r): Outcome => {
        const row = get.get(r.id);
        if (!row) return "unknown";
        if (row.state === "found" || row.state === "not_found") return "duplicate";
        for (const s of r.sites) {
          putSite.run(r.id, s.site, JSON.stringify(s.torrentIds), now);
          for (const tid of s.torrentIds) link.run(r.id, putDownload.get(s.site, tid, now, now)!.id);
        }
        // found now, or found by an earlier submit for another site
        const all =
          r.sites.some((s) => s.torrentIds.length > 0) ||
          mergeSites(sites.all(r.id).map((x) => JSON.parse(x.torrent_ids) as number[]));
        settle.run(all ? "found" : "not_found", r.lease ?? null, worker, now, r.id);
        return "ok";
      });
      this.note(worker, now, `submitted results for ${count(results.length, "album")}`);
      return refuseUnknown(
        "album",
        results.map((r) => r.id),
        out,
      );
    });
  }

  async leaseDownloads(worker: string, site: string, n: number): Promise<DownloadLease[]> {
    const now = this.clock.now();
    const until = now + this.policy.downloadLeaseMs;
    const lease = leaseId();
    const cap = this.policy.maxAttempts;
    const rows = this.tx(() => {
      const got = this.db
        .query<{ id: number; site_torrent_id: number; attempts: number; state: string }, (string | number)[]>(
          `UPDATE downloads SET
             state = CASE WHEN attempts >= ? THEN 'failed' ELSE 'leased' END,
             due_at = CASE WHEN attempts >= ? THEN NULL ELSE ? END,
             attempts = attempts + (attempts < ?),
             lease_id = ?, worker = ?, updated_at = ?,
             reason = CASE WHEN attempts >= ? THEN ? ELSE reason END
           WHERE id IN (SELECT id FROM downloads WHERE site = ? AND due_at <= ? ORDER BY due_at, id LIMIT ?)
           RETURNING id, site_torrent_id, attempts, state`,
        )
        .all(cap, cap, until, cap, lease, worker, now, cap, `gave up after ${cap} attempts`, site, now, n);
      this.note(
        worker,
        now,
        `leased ${count(got.filter((r) => r.state === "leased").length, "download")} from ${site}`,
      );
      return got;
    });
    return rows
      .filter((r) => r.state === "leased")
      .sort((a, b) => a.id - b.id)
      .map((r) => ({ id: r.id, lease, site, siteTorrentId: r.site_torrent_id, attempt: r.attempts, until }));
  }

  async extendDownloads(refs: LeaseRef[]): Promise<Outcome[]> {
    return this.extend("downloads", refs, this.clock.now() + this.policy.downloadLeaseMs);
  }

  async giveBackDownloads(worker: string, items: GiveBack[]): Promise<Outcome[]> {
    return this.giveBack("downloads", worker, items);
  }

  async handOff(worker: string, items: HandOff[]): Promise<Outcome[]> {
    const now = this.clock.now();
    const get = this.db.query<{ state: string; lease_id: string | null }, [number]>(
      "SELECT state, lease_id FROM downloads WHERE id = ?",
    );
    const set = this.db.query(
      `UPDATE downloads SET state = 'handed_off', due_at = NULL, seedbox = ?, info_hash = ?, worker = ?, updated_at = ?
       WHERE id = ?`,
    );
    return this.tx(() => {
      const out = items.map((h): Outcome => {
        const row = get.get(h.id);
        if (!row) return "unknown";
        if (row.lease_id !== h.lease) return "lost-lease";
        if (row.state === "handed_off" || row.state === "complete") return "duplicate";
        if (row.state !== "leased") return "wrong-state";
        set.run(h.seedbox, h.infoHash ?? null, worker, now, h.id);
        return "ok";
      });
      this.note(worker, now, `handed ${count(items.length, "torrent")} to seedboxes`);
      return refuseUnknown(
        "download",
        items.map((h) => h.id),
        out,
      );
    });
  }

  async complete(worker: string, items: Completion[]): Promise<Outcome[]> {
    const now = this.clock.now();
    const get = this.db.query<{ id: number; state: string; local_path: string | null }, [string, number]>(
      "SELECT id, state, local_path FROM downloads WHERE site = ? AND site_torrent_id = ?",
    );
    const set = this.db.query(
      "UPDATE downloads SET state = 'complete', due_at = NULL, local_path = ?, updated_at = ? WHERE id = ?",
    );
    return this.tx(() => {
      const out = items.map((c): Outcome => {
        const row = get.get(c.site, c.siteTorrentId);
        if (!row) return "unknown";
        if (row.state === "complete" && row.local_path === c.localPath) return "duplicate";
        set.run(c.localPath, now, row.id);
        return "ok";
      });
      this.note(worker, now, `completed ${count(items.length, "download")}`);
      return out;
    });
  }

  async listAlbums(q: ListQuery): Promise<Page<Album>> {
    const rows = this.db
      .query<AlbumRow, [string | null, string | null, number, number]>(
        "SELECT * FROM albums WHERE (? IS NULL OR state = ?) AND id > ? ORDER BY id LIMIT ?",
      )
      .all(q.state ?? null, q.state ?? null, q.after ?? 0, q.limit + 1);
    const page = rows.slice(0, q.limit);
    const lo = page[0]?.id ?? 0;
    const hi = page.at(-1)?.id ?? 0;
    const sites = this.db
      .query<{ album_id: number; site: string; torrent_ids: string }, [number, number]>(
        "SELECT album_id, site, torrent_ids FROM album_sites WHERE album_id BETWEEN ? AND ? ORDER BY site",
      )
      .all(lo, hi);
    const links = this.db
      .query<{ album_id: number; download_id: number }, [number, number]>(
        "SELECT album_id, download_id FROM album_downloads WHERE album_id BETWEEN ? AND ? ORDER BY download_id",
      )
      .all(lo, hi);
    return {
      items: page.map((r) => albumOf(r, sites, links)),
      ...(rows.length > q.limit ? { next: hi } : {}),
    };
  }

  async listDownloads(q: ListQuery): Promise<Page<Download>> {
    const rows = this.db
      .query<Record<string, unknown> & { id: number }, (string | number | null)[]>(
        `SELECT * FROM downloads WHERE (? IS NULL OR state = ?) AND (? IS NULL OR site = ?) AND id > ?
         ORDER BY id LIMIT ?`,
      )
      .all(q.state ?? null, q.state ?? null, q.site ?? null, q.site ?? null, q.after ?? 0, q.limit + 1);
    const page = rows.slice(0, q.limit);
    const links = this.db
      .query<{ album_id: number; download_id: number }, [number, number]>(
        "SELECT album_id, download_id FROM album_downloads WHERE download_id BETWEEN ? AND ? ORDER BY album_id",
      )
      .all(page[0]?.id ?? 0, page.at(-1)?.id ?? 0);
    return {
      items: page.map((r) => downloadOf(r, links)),
      ...(rows.length > q.limit ? { next: page.at(-1)!.id } : {}),
    };
  }

  async stats(): Promise<Stats> {
    const s = new StatsBuilder();
    for (const r of this.db
      .query<{ state: string; n: number }, []>("SELECT state, count(*) AS n FROM albums GROUP BY state")
      .all())
      s.album(r.state, r.n);
    const bySite = this.db
      .query<{ site: string; state: string; n: number }, []>(
        "SELECT site, state, count(*) AS n FROM downloads GROUP BY site, state ORDER BY site",
      )
      .all();
    for (const r of bySite) s.download(r.site, r.state, r.n);
    s.workers = this.db
      .query<{ name: string; lastSeen: number; lastAction: string }, []>(
        "SELECT name, last_seen AS lastSeen, last_action AS lastAction FROM workers ORDER BY last_seen DESC LIMIT 50",
      )
      .all();
    s.activity = this.db
      .query<{ at: number; worker: string; what: string }, []>(
        "SELECT at, worker, what FROM activity ORDER BY id DESC LIMIT 20",
      )
      .all();
    return s.done();
  }

  async cacheGet(kind: CacheKind, site: string, key: string): Promise<CacheEntry | undefined> {
    const row = this.db
      .query<{ body: string; fetched_at: number }, [string, string, string]>(
        "SELECT body, fetched_at FROM cache WHERE kind = ? AND site = ? AND key = ?",
      )
      .get(kind, site, key);
    if (!row) return undefined;
    if (kind === "artist" && row.fetched_at + this.policy.artistTtlMs <= this.clock.now()) return undefined;
    return { body: JSON.parse(row.body), fetchedAt: row.fetched_at };
  }

  async cachePut(kind: CacheKind, site: string, key: string, body: unknown): Promise<void> {
    this.db
      .query(
        `INSERT INTO cache (kind, site, key, body, fetched_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (kind, site, key) DO UPDATE SET body = excluded.body, fetched_at = excluded.fetched_at`,
      )
      .run(kind, site, key, JSON.stringify(body), this.clock.now());
  }

  async addToken(t: TokenRecord): Promise<boolean> {
    const r = this.db
      .query("INSERT INTO tokens (name, hash, read_only, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
      .run(t.name, t.hash, t.readOnly ? 1 : 0, t.createdAt);
    return r.changes === 1;
  }

  async listTokens(): Promise<TokenRecord[]> {
    return this.db.query<TokenRow, []>(`${TOKEN_SELECT} ORDER BY name`).all().map(tokenOf);
  }

  async revokeToken(name: string): Promise<boolean> {
    return this.db.query("DELETE FROM tokens WHERE name = ?").run(name).changes === 1;
  }

  async tokenByName(name: string): Promise<TokenRecord | undefined> {
    const r = this.db.query<TokenRow, [string]>(`${TOKEN_SELECT} WHERE name = ?`).get(name);
    return r ? tokenOf(r) : undefined;
  }

  async tokenByHash(hash: string): Promise<TokenRecord | undefined> {
    const r = this.db.query<TokenRow, [string]>(`${TOKEN_SELECT} WHERE hash = ?`).get(hash);
    return r ? tokenOf(r) : undefined;
  }

  async touchWorker(name: string, what: string): Promise<void> {
    this.db
      .query(
        `INSERT INTO workers (name, last_seen, last_action) VALUES (?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET last_seen = excluded.last_seen, last_action = excluded.last_action`,
      )
      .run(name, this.clock.now(), what);
  }

  /** For a long-running coordinator: WAL checkpoints on a thread of their own (see checkpointer.ts). */
  async checkpointInBackground(): Promise<void> {
    if (this.path !== ":memory:") await this.checkpointer.start(this.db, this.path);
  }

  async close(): Promise<void> {
    await this.checkpointer.stop();
    this.db.close();
  }

  // --- internal ---

  private tx<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /** One line of recent activity; the table keeps the last 500. */
  private note(worker: string, at: number, what: string): void {
    this.db.query("INSERT INTO activity (at, worker, what) VALUES (?, ?, ?)").run(at, worker, what);
    if (++this.activityCount % 100 === 0)
      this.db.run("DELETE FROM activity WHERE id <= (SELECT max(id) - 500 FROM activity)");
  }

  private extend(table: "albums" | "downloads", refs: LeaseRef[], until: number): Outcome[] {
    const set = this.db.query(`UPDATE ${table} SET due_at = ? WHERE id = ? AND lease_id = ? AND state = 'leased'`);
    const exists = this.db.query<{ id: number }, [number]>(`SELECT id FROM ${table} WHERE id = ?`);
    return this.tx(() => {
      const out = refs.map((r): Outcome => {
        if (set.run(until, r.id, r.lease).changes === 1) return "ok";
        return exists.get(r.id) ? "lost-lease" : "unknown";
      });
      return refuseUnknown(
        table === "albums" ? "album" : "download",
        refs.map((r) => r.id),
        out,
      );
    });
  }

  private giveBack(table: "albums" | "downloads", worker: string, items: GiveBack[]): Outcome[] {
    const now = this.clock.now();
    const note = table === "albums" ? "error" : "reason";
    const get = this.db.query<{ state: string; lease_id: string | null; attempts: number }, [number]>(
      `SELECT state, lease_id, attempts FROM ${table} WHERE id = ?`,
    );
    const set = this.db.query(
      `UPDATE ${table} SET state = ?, due_at = ?, attempts = ?, ${note} = ?, worker = NULL, updated_at = ?
       WHERE id = ?`,
    );
    return this.tx(() => {
      const out = items.map((g): Outcome => {
        const row = get.get(g.id);
        if (!row) return "unknown";
        if (row.state !== "leased" || row.lease_id !== g.lease) return "lost-lease";
        const p = giveBackPlan(this.policy, table, g, row.attempts, now);
        set.run(p.state, p.dueAt, p.attempts, p.note, now, g.id);
        return "ok";
      });
      this.note(
        worker,
        now,
        `gave back ${count(items.length, table.slice(0, -1))}${items[0] ? `: ${items[0].reason}` : ""}`,
      );
      return refuseUnknown(
        table === "albums" ? "album" : "download",
        items.map((g) => g.id),
        out,
      );
    });
  }
}

// --- internal ---

type TokenRow = { name: string; hash: string; read_only: number; created_at: number };
const TOKEN_SELECT = "SELECT name, hash, read_only, created_at FROM tokens";

function tokenOf(r: TokenRow): TokenRecord {
  return { name: r.name, hash: r.hash, readOnly: r.read_only === 1, createdAt: r.created_at };
}
