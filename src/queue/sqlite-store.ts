// QueueStore on SQLite (bun:sqlite through openSqlite). Every batch is one IMMEDIATE
// transaction: the write lock is taken first, so two coordinators on one file (or two
// connections) serialise and a lease's UPDATE … RETURNING can never hand a row twice.
//
// This file holds the store itself (opening, checkpoints, closing) and the album side of
// the queue: leases and submits. The rest sits beside it, one job a file: sqlite-import.ts
// (adding albums), sqlite-leases.ts (extending and giving back, either kind of task),
// sqlite-downloads.ts, sqlite-status.ts (pages, stats, workers, activity) and
// sqlite-cache-tokens.ts.

import type { Database } from "bun:sqlite";
import { openSqlite } from "../db/sqlite.ts";
import {
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
import { albumLeases, count, leaseId, mergeSites, submitOutcome, type AlbumRow } from "./rows.ts";
import {
  cacheGet,
  cachePut,
  addToken,
  listTokens,
  revokeToken,
  tokenByHash,
  tokenByName,
} from "./sqlite-cache-tokens.ts";
import { complete, handOff, leaseDownloads } from "./sqlite-downloads.ts";
import { addAlbums } from "./sqlite-import.ts";
import { extend, giveBack } from "./sqlite-leases.ts";
import { ActivityLog, listAlbums, listDownloads, stats, touchWorker } from "./sqlite-status.ts";

/**
 * What the functions beside this file work on: the database, policy and clock, a batch's transaction,
 * the activity log.
 */
export interface SqliteQueue {
  readonly db: Database;
  readonly policy: QueuePolicy;
  readonly clock: QueueClock;
  /** Run `fn` as one IMMEDIATE transaction. */
  tx<T>(fn: () => T): T;
  /** One line of recent activity. */
  note(worker: string, at: number, what: string): void;
}

export class SqliteQueueStore implements QueueStore {
  readonly backend = "sqlite" as const;
  private readonly db: Database;
  private readonly q: SqliteQueue;
  private readonly checkpointer = new WalCheckpointer();

  constructor(
    private readonly path: string,
    readonly policy: QueuePolicy,
    private readonly clock: QueueClock,
  ) {
    const db = openSqlite(path, { migrations: SQLITE_MIGRATIONS, what: "the queue", flag: "--db" });
    const activity = new ActivityLog(db);
    this.db = db;
    this.q = {
      db,
      policy,
      clock,
      tx: <T>(fn: () => T): T => db.transaction(fn).immediate(),
      note: (worker, at, what) => activity.note(worker, at, what),
    };
  }

  async addAlbums(rows: NewAlbum[]): Promise<AddOutcome[]> {
    return addAlbums(this.q, rows);
  }

  async leaseAlbums(worker: string, n: number): Promise<AlbumLease[]> {
    const now = this.clock.now();
    const until = now + this.policy.albumLeaseMs;
    const lease = leaseId();
    const cap = this.policy.maxAttempts;
    const rows = this.q.tx(() => {
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
      this.q.note(worker, now, `leased ${count(got.filter((r) => r.state === "leased").length, "album")}`);
      return got;
    });
    return albumLeases(rows, lease, until);
  }

  async extendAlbums(refs: LeaseRef[]): Promise<Outcome[]> {
    return extend(this.q, "albums", refs, this.clock.now() + this.policy.albumLeaseMs);
  }

  async giveBackAlbums(worker: string, items: GiveBack[]): Promise<Outcome[]> {
    return giveBack(this.q, "albums", worker, items);
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
    return this.q.tx(() => {
      const out = results.map((r): Outcome => {
        const o = submitOutcome(get.get(r.id)?.state);
        if (o !== "ok") return o;
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
      this.q.note(worker, now, `submitted results for ${count(results.length, "album")}`);
      return refuseUnknown(
        "album",
        results.map((r) => r.id),
        out,
      );
    });
  }

  async leaseDownloads(worker: string, site: string, n: number): Promise<DownloadLease[]> {
    return leaseDownloads(this.q, worker, site, n);
  }

  async extendDownloads(refs: LeaseRef[]): Promise<Outcome[]> {
    return extend(this.q, "downloads", refs, this.clock.now() + this.policy.downloadLeaseMs);
  }

  async giveBackDownloads(worker: string, items: GiveBack[]): Promise<Outcome[]> {
    return giveBack(this.q, "downloads", worker, items);
  }

  async handOff(worker: string, items: HandOff[]): Promise<Outcome[]> {
    return handOff(this.q, worker, items);
  }

  async complete(worker: string, items: Completion[]): Promise<Outcome[]> {
    return complete(this.q, worker, items);
  }

  async listAlbums(q: ListQuery): Promise<Page<Album>> {
    return listAlbums(this.q, q);
  }

  async listDownloads(q: ListQuery): Promise<Page<Download>> {
    return listDownloads(this.q, q);
  }

  async stats(): Promise<Stats> {
    return stats(this.q);
  }

  async cacheGet(kind: CacheKind, site: string, key: string): Promise<CacheEntry | undefined> {
    return cacheGet(this.q, kind, site, key);
  }

  async cachePut(kind: CacheKind, site: string, key: string, body: unknown): Promise<void> {
    return cachePut(this.q, kind, site, key, body);
  }

  async addToken(t: TokenRecord): Promise<boolean> {
    return addToken(this.q, t);
  }

  async listTokens(): Promise<TokenRecord[]> {
    return listTokens(this.q);
  }

  async revokeToken(name: string): Promise<boolean> {
    return revokeToken(this.q, name);
  }

  async tokenByName(name: string): Promise<TokenRecord | undefined> {
    return tokenByName(this.q, name);
  }

  async tokenByHash(hash: string): Promise<TokenRecord | undefined> {
    return tokenByHash(this.q, hash);
  }

  async touchWorker(name: string, what: string): Promise<void> {
    return touchWorker(this.q, name, what);
  }

  /** For a long-running coordinator: WAL checkpoints on a thread of their own (see checkpointer.ts). */
  async checkpointInBackground(): Promise<void> {
    if (this.path !== ":memory:") await this.checkpointer.start(this.db, this.path);
  }

  async close(): Promise<void> {
    await this.checkpointer.stop();
    this.db.close();
  }
}
