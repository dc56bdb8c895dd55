// The download side of the SQLite queue: leasing a site's torrents, handing them to a
// seedbox, and marking them complete when their files are in place. Extending and giving
// back a lease are shared with albums (sqlite-leases.ts).

import { refuseUnknown, type Completion, type DownloadLease, type HandOff, type Outcome } from "./model.ts";
import { completeOutcome, count, downloadLeases, handOffOutcome, leaseId } from "./rows.ts";
import type { SqliteQueue } from "./sqlite-store.ts";

/** Up to `n` due tasks of `site`; those at the attempt cap fail instead. */
export function leaseDownloads(q: SqliteQueue, worker: string, site: string, n: number): DownloadLease[] {
  const now = q.clock.now();
  const until = now + q.policy.downloadLeaseMs;
  const lease = leaseId();
  const cap = q.policy.maxAttempts;
  const rows = q.tx(() => {
    const got = q.db
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
    q.note(worker, now, `leased ${count(got.filter((r) => r.state === "leased").length, "download")} from ${site}`);
    return got;
  });
  return downloadLeases(rows, lease, site, until);
}

export function handOff(q: SqliteQueue, worker: string, items: HandOff[]): Outcome[] {
  const now = q.clock.now();
  const get = q.db.query<{ state: string; lease_id: string | null }, [number]>(
    "SELECT state, lease_id FROM downloads WHERE id = ?",
  );
  const set = q.db.query(
    `UPDATE downloads SET state = 'handed_off', due_at = NULL, seedbox = ?, info_hash = ?, worker = ?, updated_at = ?
     WHERE id = ?`,
  );
  return q.tx(() => {
    const out = items.map((h): Outcome => {
      const o = handOffOutcome(get.get(h.id), h);
      if (o === "ok") set.run(h.seedbox, h.infoHash ?? null, worker, now, h.id);
      return o;
    });
    q.note(worker, now, `handed ${count(items.length, "torrent")} to seedboxes`);
    return refuseUnknown(
      "download",
      items.map((h) => h.id),
      out,
    );
  });
}

export function complete(q: SqliteQueue, worker: string, items: Completion[]): Outcome[] {
  const now = q.clock.now();
  const get = q.db.query<{ id: number; state: string; local_path: string | null }, [string, number]>(
    "SELECT id, state, local_path FROM downloads WHERE site = ? AND site_torrent_id = ?",
  );
  const set = q.db.query(
    "UPDATE downloads SET state = 'complete', due_at = NULL, local_path = ?, updated_at = ? WHERE id = ?",
  );
  return q.tx(() => {
    const out = items.map((c): Outcome => {
      const row = get.get(c.site, c.siteTorrentId);
      const o = completeOutcome(row, c);
      if (o === "ok") set.run(c.localPath, now, row!.id);
      return o;
    });
    q.note(worker, now, `completed ${count(items.length, "download")}`);
    return out;
  });
}
