// Adding albums to the PostgreSQL queue (`seedwatch queue import`). An inventory can hold
// hundreds of thousands of rows, so they go in chunks of a few set-based statements each,
// not two round trips a row; the whole import is still one transaction.

import { albumKey, type AddOutcome, type NewAlbum } from "./model.ts";
import type { PgQueue, Tx } from "./postgres-store.ts";

export async function addAlbums(q: PgQueue, rows: NewAlbum[]): Promise<AddOutcome[]> {
  const now = q.clock.now();
  return q.sql.begin(async (tx: Tx) => {
    const out: AddOutcome[] = [];
    for (let i = 0; i < rows.length; i += IMPORT_CHUNK)
      out.push(...(await addChunk(tx, rows.slice(i, i + IMPORT_CHUNK), now)));
    return out;
  });
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
