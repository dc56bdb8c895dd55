// The QueueStore contract on SQLite, and what only SQLite has (its file, its migrations).

import { afterAll, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { SqliteQueueStore } from "../../../src/queue/sqlite-store.ts";
import { DEFAULT_POLICY } from "../../../src/queue/model.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { testQueueStore } from "../../contracts/queue-store.contract.ts";

const dir = tempDir("queue-sqlite");
afterAll(() => dir[Symbol.dispose]());
let n = 0;

testQueueStore("sqlite", {
  newDb: async () => dir.join(`q${++n}.db`),
  open: async (db, clock, policy) => new SqliteQueueStore(db, policy, clock),
});

test("sqlite: a queue written by a newer seedwatch is refused with a hint, not touched", () => {
  const path = dir.join("newer.db");
  const db = new Database(path, { create: true });
  db.run("PRAGMA user_version = 99");
  db.close();
  expect(() => new SqliteQueueStore(path, DEFAULT_POLICY, { now: () => 0 })).toThrow(/schema version 99 is newer/);
});
