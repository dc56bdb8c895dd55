// The QueueStore contract on a real PostgreSQL (test/helpers/postgres.ts starts one per
// test run), each test in its own schema; and what only PostgreSQL has.

import { expect, test } from "bun:test";
import { SQL } from "bun";
import { PostgresQueueStore } from "../../../src/queue/postgres-store.ts";
import { DEFAULT_POLICY } from "../../../src/queue/model.ts";
import { freshSchema, NO_POSTGRES, postgresUrl } from "../../helpers/postgres.ts";
import { testQueueStore } from "../../contracts/queue-store.contract.ts";

testQueueStore(
  "postgres",
  {
    newDb: async () => freshSchema("contract"),
    open: async (schema, clock, policy) =>
      PostgresQueueStore.open(await postgresUrl(), policy, clock, { schema, max: 4 }),
  },
  NO_POSTGRES,
);

test.skipIf(NO_POSTGRES !== undefined)(
  "postgres: a schema newer than this seedwatch is refused with a hint",
  async () => {
    const schema = freshSchema("newer");
    const store = await PostgresQueueStore.open(await postgresUrl(), DEFAULT_POLICY, { now: () => 0 }, { schema });
    await store.close();
    const sql = new SQL({ url: await postgresUrl(), connection: { search_path: schema } });
    await sql`UPDATE queue_schema SET version = 99`;
    await sql.close();
    expect(PostgresQueueStore.open(await postgresUrl(), DEFAULT_POLICY, { now: () => 0 }, { schema })).rejects.toThrow(
      /schema version 99 is newer/,
    );
  },
);

test.skipIf(NO_POSTGRES !== undefined)("postgres: no server there is a DatabaseError with a hint", async () => {
  const err = await PostgresQueueStore.open("postgres://nobody:secret@127.0.0.1:1/x", DEFAULT_POLICY, {
    now: () => 0,
  }).catch((e) => e);
  expect(err.name).toBe("DatabaseError");
  expect(err.message).not.toContain("secret");
  expect(err.hint).toContain("PostgreSQL");
});
