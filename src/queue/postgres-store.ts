// QueueStore on PostgreSQL through Bun.SQL, for several coordinators or a queue that has
// outgrown one box. A lease is one statement: the due rows are picked FOR UPDATE SKIP
// LOCKED (a concurrent lease skips them instead of waiting, and never gets them) and
// updated in the same statement. Batches that settle several rows lock them in id order,
// so two of them cannot deadlock.

import { SQL } from "bun";
import { DatabaseError } from "../db/sqlite.ts";
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
import { MIGRATION_LOCK, PG_MIGRATIONS } from "./postgres-schema.ts";
import { albumLeases, albumOf, count, downloadOf, giveBackPlan, leaseId, StatsBuilder, type AlbumRow } from "./rows.ts";
import type { QueueClock, QueueStore } from "./store.ts";

type Tx = SQL;

export class PostgresQueueStore implements QueueStore {
  readonly backend = "postgres" as const;

  private constructor(
    private readonly sql: SQL,
    readonly policy: QueuePolicy,
    private readonly clock: QueueClock,
  ) {}

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
    const now = this.clock.now();
    return this.sql.begin(async (tx: Tx) => {
      const out: AddOutcome[] = [];
      for (let i = 0; i < rows.length; i += IMPORT_CHUNK)
        out.push(...(await addChunk(tx, rows.slice(i, i + IMPORT_CHUNK), now)));
      return out;
    });
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
    return this.extend("albums", refs, this.clock.now() + this.policy.albumLeaseMs);
  }

  async giveBackAlbums(worker: string, items: GiveBack[]): Promise<Outcome[]> {
    return this.giveBack("albums", worker, items);
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
      const out = results.map((r): Outcome => {
        const st = state.get(r.id);
        return st === undefined ? "unknown" : st === "found" || st === "not_found" ? "duplicate" : "ok";
      });
      refuseUnknown(
        "album",
        results.map((r) => r.id),
        out,
      );
      // the first result for an album wins when one batch names it twice
      const take = new Map<number, AlbumResult>();
      for (const [i, r] of results.entries()) if (out[i] === "ok" && !take.has(r.id)) take.set(r.id, r);
      if (take.size > 0) {
        const albums = [...take.values()];
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
      await note(tx, worker, now, `submitted results for ${count(results.length, "album")}`);
      return out;
    });
  }

  async leaseDownloads(worker: string, site: string, n: number): Promise<DownloadLease[]> {
    const now = this.clock.now();
    const until = now + this.policy.downloadLeaseMs;
    const lease = leaseId();
    const cap = this.policy.maxAttempts;
    const rows = await this.sql.begin(async (tx: Tx) => {
      const got = await tx`
        UPDATE downloads d SET
          state = CASE WHEN d.attempts >= ${cap} THEN 'failed' ELSE 'leased' END,
          due_at = CASE WHEN d.attempts >= ${cap} THEN NULL ELSE ${until}::bigint END,
          attempts = d.attempts + CASE WHEN d.attempts >= ${cap} THEN 0 ELSE 1 END,
          lease_id = ${lease}, worker = ${worker}, updated_at = ${now},
          reason = CASE WHEN d.attempts >= ${cap} THEN ${`gave up after ${cap} attempts`} ELSE d.reason END
        FROM (SELECT id FROM downloads WHERE site = ${site} AND due_at <= ${now} ORDER BY due_at, id LIMIT ${n}
              FOR UPDATE SKIP LOCKED) p
        WHERE d.id = p.id
        RETURNING d.id, d.site_torrent_id, d.attempts, d.state`;
      await note(
        tx,
        worker,
        now,
        `leased ${count(got.filter((r: { state: string }) => r.state === "leased").length, "download")} from ${site}`,
      );
      return got as { id: number; site_torrent_id: string; attempts: number; state: string }[];
    });
    return rows
      .filter((r) => r.state === "leased")
      .sort((a, b) => a.id - b.id)
      .map((r) => ({ id: r.id, lease, site, siteTorrentId: Number(r.site_torrent_id), attempt: r.attempts, until }));
  }

  async extendDownloads(refs: LeaseRef[]): Promise<Outcome[]> {
    return this.extend("downloads", refs, this.clock.now() + this.policy.downloadLeaseMs);
  }

  async giveBackDownloads(worker: string, items: GiveBack[]): Promise<Outcome[]> {
    return this.giveBack("downloads", worker, items);
  }

  async handOff(worker: string, items: HandOff[]): Promise<Outcome[]> {
    const now = this.clock.now();
    return this.sql.begin(async (tx: Tx) => {
      const out = new Map<HandOff, Outcome>();
      for (const h of byId(items)) {
        const [row] = await tx`SELECT state, lease_id FROM downloads WHERE id = ${h.id} FOR UPDATE`;
        if (!row) out.set(h, "unknown");
        else if (row.lease_id !== h.lease) out.set(h, "lost-lease");
        else if (row.state === "handed_off" || row.state === "complete") out.set(h, "duplicate");
        else if (row.state !== "leased") out.set(h, "wrong-state");
        else {
          await tx`
            UPDATE downloads SET state = 'handed_off', due_at = NULL,
              seedbox = ${h.seedbox}, info_hash = ${h.infoHash ?? null},
              worker = ${worker}, updated_at = ${now}
            WHERE id = ${h.id}`;
          out.set(h, "ok");
        }
      }
      await note(tx, worker, now, `handed ${count(items.length, "torrent")} to seedboxes`);
      return refuseUnknown(
        "download",
        items.map((h) => h.id),
        items.map((h) => out.get(h)!),
      );
    });
  }

  async complete(worker: string, items: Completion[]): Promise<Outcome[]> {
    const now = this.clock.now();
    return this.sql.begin(async (tx: Tx) => {
      const out: Outcome[] = [];
      for (const c of items) {
        const [row] = await tx`
          SELECT id, state, local_path FROM downloads
          WHERE site = ${c.site} AND site_torrent_id = ${c.siteTorrentId} FOR UPDATE`;
        if (!row) out.push("unknown");
        else if (row.state === "complete" && row.local_path === c.localPath) out.push("duplicate");
        else {
          await tx`
            UPDATE downloads SET state = 'complete', due_at = NULL, local_path = ${c.localPath}, updated_at = ${now}
            WHERE id = ${row.id}`;
          out.push("ok");
        }
      }
      await note(tx, worker, now, `completed ${count(items.length, "download")}`);
      return out;
    });
  }

  async listAlbums(q: ListQuery): Promise<Page<Album>> {
    const state = q.state ?? null;
    const rows: AlbumRow[] = await this.sql`
      SELECT * FROM albums WHERE (${state}::text IS NULL OR state = ${state}) AND id > ${q.after ?? 0}
      ORDER BY id LIMIT ${q.limit + 1}`;
    const page = rows.slice(0, q.limit);
    const lo = page[0]?.id ?? 0;
    const hi = page.at(-1)?.id ?? 0;
    const sites = await this.sql`
      SELECT album_id, site, torrent_ids FROM album_sites WHERE album_id BETWEEN ${lo} AND ${hi} ORDER BY site`;
    const links = await this.sql`
      SELECT album_id, download_id FROM album_downloads WHERE album_id BETWEEN ${lo} AND ${hi} ORDER BY download_id`;
    return { items: page.map((r) => albumOf(r, sites, links)), ...(rows.length > q.limit ? { next: hi } : {}) };
  }

  async listDownloads(q: ListQuery): Promise<Page<Download>> {
    const state = q.state ?? null;
    const site = q.site ?? null;
    const rows: (Record<string, unknown> & { id: number })[] = await this.sql`
      SELECT * FROM downloads
      WHERE (${state}::text IS NULL OR state = ${state}) AND (${site}::text IS NULL OR site = ${site})
        AND id > ${q.after ?? 0}
      ORDER BY id LIMIT ${q.limit + 1}`;
    const page = rows.slice(0, q.limit);
    const links = await this.sql`
      SELECT album_id, download_id FROM album_downloads
      WHERE download_id BETWEEN ${page[0]?.id ?? 0} AND ${page.at(-1)?.id ?? 0} ORDER BY album_id`;
    return {
      items: page.map((r) => downloadOf(r, links)),
      ...(rows.length > q.limit ? { next: page.at(-1)!.id } : {}),
    };
  }

  async stats(): Promise<Stats> {
    const s = new StatsBuilder();
    for (const r of await this.sql`SELECT state, count(*) AS n FROM albums GROUP BY state`) s.album(r.state, r.n);
    for (const r of await this.sql`SELECT site, state, count(*) AS n FROM downloads GROUP BY site, state ORDER BY site`)
      s.download(r.site, r.state, r.n);
    s.workers = await this.sql`
      SELECT name, last_seen AS "lastSeen", last_action AS "lastAction" FROM workers ORDER BY last_seen DESC LIMIT 50`;
    s.activity = await this.sql`SELECT at, worker, what FROM activity ORDER BY id DESC LIMIT 20`;
    return s.done();
  }

  async cacheGet(kind: CacheKind, site: string, key: string): Promise<CacheEntry | undefined> {
    const [row] = await this
      .sql`SELECT body, fetched_at FROM cache WHERE kind = ${kind} AND site = ${site} AND key = ${key}`;
    if (!row) return undefined;
    const fetchedAt = Number(row.fetched_at);
    if (kind === "artist" && fetchedAt + this.policy.artistTtlMs <= this.clock.now()) return undefined;
    return { body: JSON.parse(row.body), fetchedAt };
  }

  async cachePut(kind: CacheKind, site: string, key: string, body: unknown): Promise<void> {
    await this.sql`
      INSERT INTO cache (kind, site, key, body, fetched_at)
      VALUES (${kind}, ${site}, ${key}, ${JSON.stringify(body)}, ${this.clock.now()})
      ON CONFLICT (kind, site, key) DO UPDATE SET body = excluded.body, fetched_at = excluded.fetched_at`;
  }

  async addToken(t: TokenRecord): Promise<boolean> {
    const r = await this.sql`
      INSERT INTO tokens (name, hash, read_only, created_at)
      VALUES (${t.name}, ${t.hash}, ${t.readOnly}, ${t.createdAt})
      ON CONFLICT DO NOTHING RETURNING name`;
    return r.length === 1;
  }

  async listTokens(): Promise<TokenRecord[]> {
    return (await this.sql`SELECT * FROM tokens ORDER BY name`).map(tokenOf);
  }

  async revokeToken(name: string): Promise<boolean> {
    return (await this.sql`DELETE FROM tokens WHERE name = ${name} RETURNING name`).length === 1;
  }

  async tokenByName(name: string): Promise<TokenRecord | undefined> {
    const [r] = await this.sql`SELECT * FROM tokens WHERE name = ${name}`;
    return r ? tokenOf(r) : undefined;
  }

  async tokenByHash(hash: string): Promise<TokenRecord | undefined> {
    const [r] = await this.sql`SELECT * FROM tokens WHERE hash = ${hash}`;
    return r ? tokenOf(r) : undefined;
  }

  async touchWorker(name: string, what: string): Promise<void> {
    await this.sql`
      INSERT INTO workers (name, last_seen, last_action) VALUES (${name}, ${this.clock.now()}, ${what})
      ON CONFLICT (name) DO UPDATE SET last_seen = excluded.last_seen, last_action = excluded.last_action`;
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

  private async extend(table: "albums" | "downloads", refs: LeaseRef[], until: number): Promise<Outcome[]> {
    return this.sql.begin(async (tx: Tx) => {
      const out: Outcome[] = [];
      for (const r of refs) {
        const set = await tx.unsafe(
          `UPDATE ${table} SET due_at = $1 WHERE id = $2 AND lease_id = $3 AND state = 'leased' RETURNING id`,
          [until, r.id, r.lease],
        );
        if (set.length === 1) out.push("ok");
        else
          out.push(
            (await tx.unsafe(`SELECT id FROM ${table} WHERE id = $1`, [r.id])).length ? "lost-lease" : "unknown",
          );
      }
      return refuseUnknown(
        table === "albums" ? "album" : "download",
        refs.map((r) => r.id),
        out,
      );
    });
  }

  private async giveBack(table: "albums" | "downloads", worker: string, items: GiveBack[]): Promise<Outcome[]> {
    const now = this.clock.now();
    const noteColumn = table === "albums" ? "error" : "reason";
    return this.sql.begin(async (tx: Tx) => {
      const out = new Map<GiveBack, Outcome>();
      for (const g of byId(items)) {
        const [row] = await tx.unsafe(`SELECT state, lease_id, attempts FROM ${table} WHERE id = $1 FOR UPDATE`, [
          g.id,
        ]);
        if (!row) out.set(g, "unknown");
        else if (row.state !== "leased" || row.lease_id !== g.lease) out.set(g, "lost-lease");
        else {
          const p = giveBackPlan(this.policy, table, g, row.attempts, now);
          await tx.unsafe(
            `UPDATE ${table} SET state = $1, due_at = $2, attempts = $3, ${noteColumn} = $4, worker = NULL,
               updated_at = $5 WHERE id = $6`,
            [p.state, p.dueAt, p.attempts, p.note, now, g.id],
          );
          out.set(g, "ok");
        }
      }
      await note(
        tx,
        worker,
        now,
        `gave back ${count(items.length, table.slice(0, -1))}${items[0] ? `: ${items[0].reason}` : ""}`,
      );
      return refuseUnknown(
        table === "albums" ? "album" : "download",
        items.map((g) => g.id),
        items.map((g) => out.get(g)!),
      );
    });
  }
}

// --- internal ---

const IMPORT_CHUNK = 1000;

/**
 * One chunk of an import in three statements, not two per row: duplicates inside the
 * chunk are found here, exact ones already stored by one lookup, and the insert skips
 * normalised ones (ON CONFLICT on norm_key) and says which rows it added.
 */
async function addChunk(tx: Tx, rows: NewAlbum[], now: number): Promise<AddOutcome[]> {
  const out: (AddOutcome | undefined)[] = [];
  const pairs = new Set<string>();
  const keys = new Set<string>();
  const todo: { i: number; artist: string; title: string; norm_key: string; extra: string }[] = [];
  for (const [i, r] of rows.entries()) {
    const pair = JSON.stringify([r.artist, r.title]);
    const key = albumKey(r.artist, r.title);
    if (pairs.has(pair)) out[i] = "duplicate";
    else if (keys.has(key)) out[i] = "duplicate-normalised";
    else todo.push({ i, artist: r.artist, title: r.title, norm_key: key, extra: JSON.stringify(r.extra ?? {}) });
    pairs.add(pair);
    keys.add(key);
  }
  const json = JSON.stringify(todo);
  const exact = new Set<string>(
    (
      await tx`
      SELECT a.artist, a.title FROM albums a
      JOIN json_to_recordset(${json}::text::json) AS x(artist text, title text)
        ON a.artist = x.artist AND a.title = x.title`
    ).map((r: { artist: string; title: string }) => JSON.stringify([r.artist, r.title])),
  );
  const fresh = todo.filter((t) => !exact.has(JSON.stringify([t.artist, t.title])));
  const added = new Set<string>(
    (
      await tx`
      INSERT INTO albums (artist, title, norm_key, extra, due_at, added_at, updated_at)
      SELECT x.artist, x.title, x.norm_key, x.extra, 0, ${now}, ${now}
      FROM json_to_recordset(${JSON.stringify(fresh)}::text::json)
        AS x(i int, artist text, title text, norm_key text, extra text)
      ORDER BY x.i
      ON CONFLICT DO NOTHING RETURNING norm_key`
    ).map((r: { norm_key: string }) => r.norm_key),
  );
  for (const t of todo)
    out[t.i] = exact.has(JSON.stringify([t.artist, t.title]))
      ? "duplicate"
      : added.has(t.norm_key)
        ? "added"
        : "duplicate-normalised";
  return out as AddOutcome[];
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

/** Note one line of recent activity (the table keeps about the last 500). */
async function note(tx: Tx, worker: string, at: number, what: string): Promise<void> {
  const [r] = await tx`INSERT INTO activity (at, worker, what) VALUES (${at}, ${worker}, ${what}) RETURNING id`;
  if (r.id % 100 === 0) await tx`DELETE FROM activity WHERE id <= ${r.id - 500}`;
}

/** A PostgreSQL array literal of integers, sent as one text parameter ("{1,2,3}"). */
function intArray(xs: number[]): string {
  return `{${xs.map((x) => Math.trunc(x)).join(",")}}`;
}

/** A PostgreSQL array literal of strings (quoted, escaped) or NULLs. */
function textArray(xs: (string | null)[]): string {
  return `{${xs.map((x) => (x === null ? "NULL" : `"${x.replace(/[\\"]/g, (c) => `\\${c}`)}"`)).join(",")}}`;
}

function byId<T extends { id: number }>(items: T[]): T[] {
  return [...items].sort((a, b) => a.id - b.id);
}

function tokenOf(r: { name: string; hash: string; read_only: boolean; created_at: string | number }): TokenRecord {
  return { name: r.name, hash: r.hash, readOnly: r.read_only, createdAt: Number(r.created_at) };
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
