// The download side of the PostgreSQL queue: leasing a site's torrents, handing them to a
// seedbox, and marking them complete when their files are in place. Extending and giving
// back a lease are shared with albums (postgres-leases.ts).

import { refuseUnknown, type Completion, type DownloadLease, type HandOff, type Outcome } from "./model.ts";
import { byId } from "./postgres-leases.ts";
import type { PgQueue, Tx } from "./postgres-store.ts";
import { note } from "./postgres-status.ts";
import { completeOutcome, count, downloadLeases, handOffOutcome, leaseId } from "./rows.ts";

/** Up to `n` due tasks of `site`, picked FOR UPDATE SKIP LOCKED; those at the attempt cap fail instead. */
export async function leaseDownloads(q: PgQueue, worker: string, site: string, n: number): Promise<DownloadLease[]> {
  const now = q.clock.now();
  const until = now + q.policy.downloadLeaseMs;
  const lease = leaseId();
  const cap = q.policy.maxAttempts;
  const rows = await q.sql.begin(async (tx: Tx) => {
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
  return downloadLeases(rows, lease, site, until);
}

export async function handOff(q: PgQueue, worker: string, items: HandOff[]): Promise<Outcome[]> {
  const now = q.clock.now();
  return q.sql.begin(async (tx: Tx) => {
    const out = new Map<HandOff, Outcome>();
    for (const h of byId(items)) {
      const [row] = await tx`SELECT state, lease_id FROM downloads WHERE id = ${h.id} FOR UPDATE`;
      const o = handOffOutcome(row, h);
      if (o === "ok")
        await tx`
          UPDATE downloads SET state = 'handed_off', due_at = NULL,
            seedbox = ${h.seedbox}, info_hash = ${h.infoHash ?? null},
            worker = ${worker}, updated_at = ${now}
          WHERE id = ${h.id}`;
      out.set(h, o);
    }
    await note(tx, worker, now, `handed ${count(items.length, "torrent")} to seedboxes`);
    return refuseUnknown(
      "download",
      items.map((h) => h.id),
      items.map((h) => out.get(h)!),
    );
  });
}

export async function complete(q: PgQueue, worker: string, items: Completion[]): Promise<Outcome[]> {
  const now = q.clock.now();
  return q.sql.begin(async (tx: Tx) => {
    const out: Outcome[] = [];
    for (const c of items) {
      const [row] = await tx`
        SELECT id, state, local_path FROM downloads
        WHERE site = ${c.site} AND site_torrent_id = ${c.siteTorrentId} FOR UPDATE`;
      const o = completeOutcome(row, c);
      if (o === "ok")
        await tx`
          UPDATE downloads SET state = 'complete', due_at = NULL, local_path = ${c.localPath}, updated_at = ${now}
          WHERE id = ${row.id}`;
      out.push(o);
    }
    await note(tx, worker, now, `completed ${count(items.length, "download")}`);
    return out;
  });
}
