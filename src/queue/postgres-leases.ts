// Extending and giving back a lease on PostgreSQL, the same for albums and downloads (the
// table is the only difference). Each batch is one transaction that locks its rows in id
// order, so two batches cannot deadlock; only the lease that holds a task moves it.

import { refuseUnknown, type GiveBack, type LeaseRef, type Outcome } from "./model.ts";
import type { PgQueue, Tx } from "./postgres-store.ts";
import { note } from "./postgres-status.ts";
import { giveBackNote, giveBackOutcome, giveBackPlan } from "./rows.ts";

/** Move the leases' deadline to `until`. */
export async function extend(
  q: PgQueue,
  table: "albums" | "downloads",
  refs: LeaseRef[],
  until: number,
): Promise<Outcome[]> {
  return q.sql.begin(async (tx: Tx) => {
    const out: Outcome[] = [];
    for (const r of refs) {
      const set = await tx.unsafe(
        `UPDATE ${table} SET due_at = $1 WHERE id = $2 AND lease_id = $3 AND state = 'leased' RETURNING id`,
        [until, r.id, r.lease],
      );
      if (set.length === 1) out.push("ok");
      else
        out.push((await tx.unsafe(`SELECT id FROM ${table} WHERE id = $1`, [r.id])).length ? "lost-lease" : "unknown");
    }
    return refuseUnknown(
      table === "albums" ? "album" : "download",
      refs.map((r) => r.id),
      out,
    );
  });
}

/** Hand the tasks back as giveBackPlan (rows.ts) says: at once, after a backoff, or failed. */
export async function giveBack(
  q: PgQueue,
  table: "albums" | "downloads",
  worker: string,
  items: GiveBack[],
): Promise<Outcome[]> {
  const now = q.clock.now();
  const noteColumn = table === "albums" ? "error" : "reason";
  return q.sql.begin(async (tx: Tx) => {
    const out = new Map<GiveBack, Outcome>();
    for (const g of byId(items)) {
      const [row] = await tx.unsafe(`SELECT state, lease_id, attempts FROM ${table} WHERE id = $1 FOR UPDATE`, [g.id]);
      const o = giveBackOutcome(row, g);
      if (o === "ok") {
        const p = giveBackPlan(q.policy, table, g, row.attempts, now);
        await tx.unsafe(
          `UPDATE ${table} SET state = $1, due_at = $2, attempts = $3, ${noteColumn} = $4, worker = NULL,
             updated_at = $5 WHERE id = $6`,
          [p.state, p.dueAt, p.attempts, p.note, now, g.id],
        );
      }
      out.set(g, o);
    }
    await note(tx, worker, now, giveBackNote(table, items));
    return refuseUnknown(
      table === "albums" ? "album" : "download",
      items.map((g) => g.id),
      items.map((g) => out.get(g)!),
    );
  });
}

/** The items in id order: the order every batch locks its rows in. */
export function byId<T extends { id: number }>(items: T[]): T[] {
  return [...items].sort((a, b) => a.id - b.id);
}
