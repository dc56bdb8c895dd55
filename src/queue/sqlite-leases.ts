// Extending and giving back a lease on SQLite, the same for albums and downloads (the
// table is the only difference). Each batch is one IMMEDIATE transaction; only the lease
// that holds a task moves it.

import { refuseUnknown, type GiveBack, type LeaseRef, type Outcome } from "./model.ts";
import { giveBackNote, giveBackOutcome, giveBackPlan } from "./rows.ts";
import type { SqliteQueue } from "./sqlite-store.ts";

/** Move the leases' deadline to `until`. */
export function extend(q: SqliteQueue, table: "albums" | "downloads", refs: LeaseRef[], until: number): Outcome[] {
  const set = q.db.query(`UPDATE ${table} SET due_at = ? WHERE id = ? AND lease_id = ? AND state = 'leased'`);
  const exists = q.db.query<{ id: number }, [number]>(`SELECT id FROM ${table} WHERE id = ?`);
  return q.tx(() => {
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

/** Hand the tasks back as giveBackPlan (rows.ts) says: at once, after a backoff, or failed. */
export function giveBack(q: SqliteQueue, table: "albums" | "downloads", worker: string, items: GiveBack[]): Outcome[] {
  const now = q.clock.now();
  const note = table === "albums" ? "error" : "reason";
  const get = q.db.query<{ state: string; lease_id: string | null; attempts: number }, [number]>(
    `SELECT state, lease_id, attempts FROM ${table} WHERE id = ?`,
  );
  const set = q.db.query(
    `UPDATE ${table} SET state = ?, due_at = ?, attempts = ?, ${note} = ?, worker = NULL, updated_at = ?
     WHERE id = ?`,
  );
  return q.tx(() => {
    const out = items.map((g): Outcome => {
      const row = get.get(g.id);
      const o = giveBackOutcome(row, g);
      if (o !== "ok") return o;
      const p = giveBackPlan(q.policy, table, g, row!.attempts, now);
      set.run(p.state, p.dueAt, p.attempts, p.note, now, g.id);
      return "ok";
    });
    q.note(worker, now, giveBackNote(table, items));
    return refuseUnknown(
      table === "albums" ? "album" : "download",
      items.map((g) => g.id),
      out,
    );
  });
}
