// The PostgreSQL queue's two key-value tables: the cache of site answers that workers
// share (artist pages expire after the policy's TTL, the rest are kept), and the API
// tokens the coordinator checks requests against (only their hashes are stored).

import type { CacheEntry, CacheKind, TokenRecord } from "./model.ts";
import type { PgQueue } from "./postgres-store.ts";

export async function cacheGet(
  q: PgQueue,
  kind: CacheKind,
  site: string,
  key: string,
): Promise<CacheEntry | undefined> {
  const [row] =
    await q.sql`SELECT body, fetched_at FROM cache WHERE kind = ${kind} AND site = ${site} AND key = ${key}`;
  if (!row) return undefined;
  const fetchedAt = Number(row.fetched_at);
  if (kind === "artist" && fetchedAt + q.policy.artistTtlMs <= q.clock.now()) return undefined;
  return { body: JSON.parse(row.body), fetchedAt };
}

export async function cachePut(q: PgQueue, kind: CacheKind, site: string, key: string, body: unknown): Promise<void> {
  await q.sql`
    INSERT INTO cache (kind, site, key, body, fetched_at)
    VALUES (${kind}, ${site}, ${key}, ${JSON.stringify(body)}, ${q.clock.now()})
    ON CONFLICT (kind, site, key) DO UPDATE SET body = excluded.body, fetched_at = excluded.fetched_at`;
}

/** False when a token of that name or hash exists already. */
export async function addToken(q: PgQueue, t: TokenRecord): Promise<boolean> {
  const r = await q.sql`
    INSERT INTO tokens (name, hash, read_only, created_at)
    VALUES (${t.name}, ${t.hash}, ${t.readOnly}, ${t.createdAt})
    ON CONFLICT DO NOTHING RETURNING name`;
  return r.length === 1;
}

export async function listTokens(q: PgQueue): Promise<TokenRecord[]> {
  return (await q.sql`SELECT * FROM tokens ORDER BY name`).map(tokenOf);
}

export async function revokeToken(q: PgQueue, name: string): Promise<boolean> {
  return (await q.sql`DELETE FROM tokens WHERE name = ${name} RETURNING name`).length === 1;
}

export async function tokenByName(q: PgQueue, name: string): Promise<TokenRecord | undefined> {
  const [r] = await q.sql`SELECT * FROM tokens WHERE name = ${name}`;
  return r ? tokenOf(r) : undefined;
}

export async function tokenByHash(q: PgQueue, hash: string): Promise<TokenRecord | undefined> {
  const [r] = await q.sql`SELECT * FROM tokens WHERE hash = ${hash}`;
  return r ? tokenOf(r) : undefined;
}

// --- internal ---

function tokenOf(r: { name: string; hash: string; read_only: boolean; created_at: string | number }): TokenRecord {
  return { name: r.name, hash: r.hash, readOnly: r.read_only, createdAt: Number(r.created_at) };
}
