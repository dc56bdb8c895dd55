// The SQLite queue's two key-value tables: the cache of site answers that workers share
// (artist pages expire after the policy's TTL, the rest are kept), and the API tokens the
// coordinator checks requests against (only their hashes are stored).

import type { CacheEntry, CacheKind, TokenRecord } from "./model.ts";
import type { SqliteQueue } from "./sqlite-store.ts";

export function cacheGet(q: SqliteQueue, kind: CacheKind, site: string, key: string): CacheEntry | undefined {
  const row = q.db
    .query<{ body: string; fetched_at: number }, [string, string, string]>(
      "SELECT body, fetched_at FROM cache WHERE kind = ? AND site = ? AND key = ?",
    )
    .get(kind, site, key);
  if (!row) return undefined;
  if (kind === "artist" && row.fetched_at + q.policy.artistTtlMs <= q.clock.now()) return undefined;
  return { body: JSON.parse(row.body), fetchedAt: row.fetched_at };
}

export function cachePut(q: SqliteQueue, kind: CacheKind, site: string, key: string, body: unknown): void {
  q.db
    .query(
      `INSERT INTO cache (kind, site, key, body, fetched_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (kind, site, key) DO UPDATE SET body = excluded.body, fetched_at = excluded.fetched_at`,
    )
    .run(kind, site, key, JSON.stringify(body), q.clock.now());
}

/** False when a token of that name or hash exists already. */
export function addToken(q: SqliteQueue, t: TokenRecord): boolean {
  const r = q.db
    .query("INSERT INTO tokens (name, hash, read_only, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
    .run(t.name, t.hash, t.readOnly ? 1 : 0, t.createdAt);
  return r.changes === 1;
}

export function listTokens(q: SqliteQueue): TokenRecord[] {
  return q.db.query<TokenRow, []>(`${TOKEN_SELECT} ORDER BY name`).all().map(tokenOf);
}

export function revokeToken(q: SqliteQueue, name: string): boolean {
  return q.db.query("DELETE FROM tokens WHERE name = ?").run(name).changes === 1;
}

export function tokenByName(q: SqliteQueue, name: string): TokenRecord | undefined {
  const r = q.db.query<TokenRow, [string]>(`${TOKEN_SELECT} WHERE name = ?`).get(name);
  return r ? tokenOf(r) : undefined;
}

export function tokenByHash(q: SqliteQueue, hash: string): TokenRecord | undefined {
  const r = q.db.query<TokenRow, [string]>(`${TOKEN_SELECT} WHERE hash = ?`).get(hash);
  return r ? tokenOf(r) : undefined;
}

// --- internal ---

type TokenRow = { name: string; hash: string; read_only: number; created_at: number };
const TOKEN_SELECT = "SELECT name, hash, read_only, created_at FROM tokens";

function tokenOf(r: TokenRow): TokenRecord {
  return { name: r.name, hash: r.hash, readOnly: r.read_only === 1, createdAt: r.created_at };
}
