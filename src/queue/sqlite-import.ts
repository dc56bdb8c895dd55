// Adding albums to the SQLite queue (`seedwatch queue import`): one IMMEDIATE
// transaction, a lookup and an insert a row. An exact (artist, title) already stored is a
// duplicate; one that normalises to a stored key is skipped by the insert (norm_key).

import { albumKey, type AddOutcome, type NewAlbum } from "./model.ts";
import type { SqliteQueue } from "./sqlite-store.ts";

export function addAlbums(q: SqliteQueue, rows: NewAlbum[]): AddOutcome[] {
  const now = q.clock.now();
  const exact = q.db.query<{ id: number }, [string, string]>("SELECT id FROM albums WHERE artist = ? AND title = ?");
  const insert = q.db.query(
    `INSERT INTO albums (artist, title, norm_key, extra, due_at, added_at, updated_at)
     VALUES (?, ?, ?, ?, 0, ?, ?) ON CONFLICT DO NOTHING`,
  );
  return q.tx(() =>
    rows.map((r): AddOutcome => {
      if (exact.get(r.artist, r.title)) return "duplicate";
      const added = insert.run(r.artist, r.title, albumKey(r.artist, r.title), JSON.stringify(r.extra ?? {}), now, now);
      return added.changes === 1 ? "added" : "duplicate-normalised";
    }),
  );
}
