// QueueStore on PostgreSQL through Bun.SQL, for several coordinators or a queue that has
// outgrown one box. A lease is one statement: the due rows are picked FOR UPDATE SKIP
// LOCKED (a concurrent lease skips them instead of waiting, and never gets them) and
// updated in the same statement. Batches that settle several rows lock them in id order,
// so two of them cannot deadlock.
//
// This file holds the store itself (connecting, migrating) and the album side of the
// queue: leases and submits. The rest sits beside it, one job a file: postgres-import.ts
// (adding albums), postgres-leases.ts (extending and giving back, either kind of task),
// postgres-downloads.ts, postgres-status.ts (pages, stats, workers, activity) and
// postgres-cache-tokens.ts.

import { SQL } from "bun";
import { DatabaseError } from "../db/sqlite.ts";
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
import {
  cacheGet,
  cachePut,
  addToken,
  listTokens,
  revokeToken,
  tokenByHash,
  tokenByName,
} from "./postgres-cache-tokens.ts";
import { complete, handOff, leaseDownloads } from "./postgres-downloads.ts";
import { addAlbums } from "./postgres-import.ts";
import { extend, giveBack } from "./postgres-leases.ts";
import { MIGRATION_LOCK, PG_MIGRATIONS } from "./postgres-schema.ts";
import { listAlbums, listDownloads, note, stats, touchWorker } from "./postgres-status.ts";
import { albumLeases, count, leaseId, submitOutcome, type AlbumRow } from "./rows.ts";
import type { QueueClock, QueueStore } from "./store.ts";

export type Tx = SQL;

/** What the functions beside this file work on: the pool, the policy and the clock. */
export interface PgQueue {
  readonly sql: SQL;
  readonly policy: QueuePolicy;
  readonly clock: QueueClock;
}

export class PostgresQueueStore implements QueueStore {
  readonly backend = "postgres" as const;
  private readonly q: PgQueue;

  private constructor(
    private readonly sql: SQL,
    readonly policy: QueuePolicy,
    private readonly clock: QueueClock,
  ) {
    this.q = { sql, policy, clock };
  }

  /** Connect and migrate. `schema` (tests) puts the tables in their own schema. */
  static async open(
    url: string,
    policy: QueuePolicy,
    clock: QueueClock,
    o: { schema?: string; max?: number } = {},
  ): Promise<PostgresQueueStore> {
    const sql = new SQL({
      url,
      max: o.max ?? 20,
      idleTimeout: 30,
      ...(o.schema ? { connection: { search_path: o.schema } } : {}),
    });
    try {
      if (o.schema) await sql.unsafe(`CREATE SCHEMA IF NOT EXISTS "${o.schema.replaceAll('"', '""')}"`);
      await migrate(sql);
    } catch (err) {
      await sql.close().catch(() => {});
      if (err instanceof DatabaseError) throw err;
      throw new DatabaseError(
        `cannot open the queue at ${redact(url)}: ${(err as Error).message}`,
        "check that PostgreSQL runs and the URL (user, password, host, database) is right, or name another with --db",
        err,
      );
    }
    return new PostgresQueueStore(sql, policy, clock);
  }

  async addAlbums(rows: NewAlbum[]): Promise<AddOutcome[]> {
    return addAlbums(this.q, rows);
  }

  async leaseAlbums(worker: string, n: number): Promise<AlbumLease[]> {
    const now = this.clock.now();
    const until = now + this.policy.albumLeaseMs;
    const lease = leaseId();
    const cap = this.policy.maxAttempts;
    // One statement (its own transaction): pick, lease, and note the activity.
    const rows: AlbumRow[] = await this.sql`
      WITH leased AS (
        UPDATE albums a SET
          state = CASE WHEN a.attempts >= ${cap} THEN 'failed' ELSE 'leased' END,
          due_at = CASE WHEN a.attempts >= ${cap} THEN NULL ELSE ${until}::bigint END,
          attempts = a.attempts + CASE WHEN a.attempts >= ${cap} THEN 0 ELSE 1 END,
          lease_id = ${lease}, worker = ${worker}, updated_at = ${now},
          error = CASE WHEN a.attempts >= ${cap} THEN ${`gave up after ${cap} attempts`} ELSE a.error END
        FROM (SELECT id FROM albums WHERE due_at <= ${now} ORDER BY due_at, id LIMIT ${n} FOR UPDATE SKIP LOCKED) p
        WHERE a.id = p.id
        RETURNING a.*
      ), noted AS (
        INSERT INTO activity (at, worker, what)
        SELECT ${now}, ${worker}, 'leased ' || n || CASE WHEN n = 1 THEN ' album' ELSE ' albums' END
        FROM (SELECT count(*) AS n FROM leased WHERE state = 'leased') c
      )
      SELECT * FROM leased`;
    await this.trimActivity();
    return albumLeases(rows, lease, until);
  }

  async extendAlbums(refs: LeaseRef[]): Promise<Outcome[]> {
    return extend(this.q, "albums", refs, this.clock.now() + this.policy.albumLeaseMs);
  }

  async giveBackAlbums(worker: string, items: GiveBack[]): Promise<Outcome[]> {
    return giveBack(this.q, "albums", worker, items);
  }

  /**
   * Set-based: the albums are locked in one statement (in id order), and every site
   * result, download task and link of the batch is written by one statement each, so a
   * batch costs the same few round trips whatever its size.
   */
  async submitAlbums(worker: string, results: AlbumResult[]): Promise<Outcome[]> {
    const now = this.clock.now();
    return this.sql.begin(async (tx: Tx) => {
      const rows: { id: number; state: string }[] = await tx`
        SELECT id, state FROM albums WHERE id = ANY(${intArray(results.map((r) => r.id))}::int[])
        ORDER BY id FOR UPDATE`;
      const state = new Map(rows.map((r) => [r.id, r.state]));
      const out = results.map((r) => submitOutcome(state.get(r.id)));
      refuseUnknown(
        "album",
        results.map((r) => r.id),
        out,
      );
      // the first result for an album wins when one batch names it twice
      const take = new Map<number, AlbumResult>();
      for (const [i, r] of results.entries()) if (out[i] === "ok" && !take.has(r.id)) take.set(r.id, r);
      if (take.size > 0) await settleAlbums(tx, worker, now, [...take.values()]);
      await note(tx, worker, now, `submitted results for ${count(results.length, "album")}`);
      return out;
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

  async close(): Promise<void> {
    await this.sql.close({ timeout: 5 });
  }

  // --- internal ---

  private leaseCalls = 0;

  /** The activity table keeps about the last 500 lines. */
  private async trimActivity(): Promise<void> {
    if (++this.leaseCalls % 200 === 0)
      await this.sql`DELETE FROM activity WHERE id <= (SELECT max(id) - 500 FROM activity)`;
  }
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "the given URL";
  }
}

// --- internal ---

/** The albums of one submit that are not settled yet: their sites, downloads, links and state. */
async function settleAlbums(tx: Tx, worker: string, now: number, albums: AlbumResult[]): Promise<void> {
  const sites = JSON.stringify(
    albums.flatMap((r) => r.sites.map((x) => ({ a: r.id, s: x.site, t: JSON.stringify(x.torrentIds) }))),
  );
  await tx`
    INSERT INTO album_sites (album_id, site, torrent_ids, at)
    SELECT x.a, x.s, x.t, ${now} FROM json_to_recordset(${sites}::text::json) AS x(a int, s text, t text)
    ON CONFLICT (album_id, site) DO UPDATE SET torrent_ids = excluded.torrent_ids, at = excluded.at`;
  // (site, torrent) once each, in one order for every batch (no deadlock between two)
  const torrents = [
    ...new Map(
      albums.flatMap((r) =>
        r.sites.flatMap((x) => x.torrentIds.map((t) => [`${x.site}\t${t}`, { s: x.site, t }] as const)),
      ),
    ).values(),
  ].sort((x, y) => (x.s < y.s ? -1 : x.s > y.s ? 1 : x.t - y.t));
  if (torrents.length > 0) {
    const made: { id: number; site: string; site_torrent_id: string }[] = await tx`
      INSERT INTO downloads (site, site_torrent_id, due_at, created_at, updated_at)
      SELECT x.s, x.t, 0, ${now}, ${now}
      FROM json_to_recordset(${JSON.stringify(torrents)}::text::json) AS x(s text, t bigint)
      ON CONFLICT (site, site_torrent_id) DO UPDATE SET site = excluded.site
      RETURNING id, site, site_torrent_id`;
    const idOf = new Map(made.map((d) => [`${d.site}\t${d.site_torrent_id}`, d.id]));
    const links = albums.flatMap((r) =>
      r.sites.flatMap((x) => x.torrentIds.map((t) => [r.id, idOf.get(`${x.site}\t${t}`)!])),
    );
    await tx`
      INSERT INTO album_downloads (album_id, download_id)
      SELECT * FROM unnest(
        ${intArray(links.map((l) => l[0]!))}::int[],
        ${intArray(links.map((l) => l[1]!))}::int[]
      )
      ON CONFLICT DO NOTHING`;
  }
  await tx`
    UPDATE albums a SET
      state = CASE WHEN EXISTS (SELECT 1 FROM album_sites s WHERE s.album_id = a.id AND s.torrent_ids <> '[]')
              THEN 'found' ELSE 'not_found' END,
      due_at = NULL, lease_id = coalesce(x.l, a.lease_id), worker = ${worker}, error = NULL, updated_at = ${now}
    FROM unnest(
      ${intArray(albums.map((r) => r.id))}::int[],
      ${textArray(albums.map((r) => r.lease ?? null))}::text[]
    ) AS x(a, l)
    WHERE a.id = x.a`;
}

async function migrate(sql: SQL): Promise<void> {
  const latest = Math.max(...PG_MIGRATIONS.map((m) => m.version));
  await sql.begin(async (tx: Tx) => {
    await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK.toString()}::bigint)`;
    await tx`CREATE TABLE IF NOT EXISTS queue_schema (version integer NOT NULL)`;
    const [row] = await tx`SELECT version FROM queue_schema`;
    const version: number = row?.version ?? 0;
    if (version > latest)
      throw new DatabaseError(
        `the queue's schema version ${version} is newer than this seedwatch understands (${latest})`,
        "use the newer seedwatch that wrote it",
      );
    for (const m of PG_MIGRATIONS.filter((m) => m.version > version)) await tx.unsafe(m.sql);
    if (!row) await tx`INSERT INTO queue_schema (version) VALUES (${latest})`;
    else await tx`UPDATE queue_schema SET version = ${latest}`;
  });
}

/** A PostgreSQL array literal of integers, sent as one text parameter ("{1,2,3}"). */
function intArray(xs: number[]): string {
  return `{${xs.map((x) => Math.trunc(x)).join(",")}}`;
}

/** A PostgreSQL array literal of strings (quoted, escaped) or NULLs. */
function textArray(xs: (string | null)[]): string {
  return `{${xs.map((x) => (x === null ? "NULL" : `"${x.replace(/[\\"]/g, (c) => `\\${c}`)}"`)).join(",")}}`;
}
