// Which store `--db` names: a postgres:// URL, or a SQLite file (by default
// ~/.local/share/seedwatch/queue.db).

import { join, resolve } from "node:path";
import { dataDir } from "../xdg.ts";
import { DEFAULT_POLICY, type QueuePolicy } from "./model.ts";
import { PostgresQueueStore } from "./postgres-store.ts";
import { SqliteQueueStore } from "./sqlite-store.ts";
import type { QueueClock, QueueStore } from "./store.ts";

export const wallClock: QueueClock = { now: () => Date.now() };

export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

/** The database `--db` names, as shown to a person (a file path, or the URL without its password). */
export function defaultQueueDb(): string {
  return join(dataDir(), "queue.db");
}

/** `serving`: a long-running coordinator (SQLite then checkpoints on a thread of its own). */
export async function openQueueStore(
  db: string | undefined,
  policy: QueuePolicy = DEFAULT_POLICY,
  o: { serving?: boolean; clock?: QueueClock } = {},
): Promise<QueueStore> {
  const target = db ?? defaultQueueDb();
  const clock = o.clock ?? wallClock;
  if (isPostgresUrl(target)) return PostgresQueueStore.open(target, policy, clock);
  const store = new SqliteQueueStore(resolve(target), policy, clock);
  if (o.serving) await store.checkpointInBackground();
  return store;
}
