// The databases a `queue serve` test can run on: a SQLite file in a temp dir, and a fresh
// database on the test run's PostgreSQL (skipped, with the reason, where there is none).

import { afterAll } from "bun:test";
import { tempDir } from "./tmp.ts";
import { freshDatabase, NO_POSTGRES } from "./postgres.ts";

export interface Backend {
  name: "sqlite" | "postgres";
  /** Why it cannot run here. */
  skip: string | undefined;
  /** A fresh, empty database: a file path or a URL. */
  fresh(): Promise<string>;
}

const dir = tempDir("queue-it");
afterAll(() => dir[Symbol.dispose]()); // (bun test runs no exit handlers)
let n = 0;

export const BACKENDS: Backend[] = [
  { name: "sqlite", skip: undefined, fresh: async () => dir.join(`q${++n}.db`) },
  { name: "postgres", skip: NO_POSTGRES, fresh: () => freshDatabase("serve") },
];
