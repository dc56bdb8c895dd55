// What every `seedwatch queue` sub-verb shares: the --db option and opening the store.

import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { NativeError } from "../../errors.ts";
import { DEFAULT_POLICY, type QueuePolicy } from "../../queue/model.ts";
import { defaultQueueDb, isPostgresUrl, openQueueStore } from "../../queue/open.ts";
import { redact } from "../../queue/postgres-store.ts";
import type { QueueStore } from "../../queue/store.ts";
import type { Spec } from "../args.ts";

export const DB_ARG = {
  db: {
    type: "string",
    valueHint: "FILE|postgres://…",
    description: "the queue: a SQLite file, or a PostgreSQL URL (default: ~/.local/share/seedwatch/queue.db)",
  },
} as const satisfies Spec;

/** The store --db names. `mustExist`: commands that only read refuse to create an empty file. */
export async function openDb(
  db: string | undefined,
  o: { mustExist?: boolean; policy?: QueuePolicy; serving?: boolean } = {},
): Promise<QueueStore> {
  const target = db ?? defaultQueueDb();
  if (o.mustExist && !isPostgresUrl(target) && !existsSync(resolve(target)))
    throw new NativeError(
      "open",
      2,
      "ENOENT",
      resolve(target),
      "no queue there yet: 'seedwatch queue import FILE.csv' or 'seedwatch queue serve' makes one, " +
        "or name it with --db",
    );
  return openQueueStore(target, o.policy ?? DEFAULT_POLICY, { serving: o.serving ?? false });
}

/** The database as shown in messages (a URL without its password). */
export function showDb(db: string | undefined): string {
  const target = db ?? defaultQueueDb();
  return isPostgresUrl(target) ? redact(target) : resolve(target);
}
