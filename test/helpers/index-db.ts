// Reading a seedwatch index that another process (the binary under test) writes.

import { Database } from "bun:sqlite";
import { existsSync } from "node:fs";

/**
 * The rows `sql` selects from the index at `path`. Empty only while seedwatch has not made
 * the index yet (no file, or no tables yet); any other failure throws, so that a wait for
 * a row's absence cannot pass on a failed read. Waits for a writer rather than fail busy.
 */
export function queryIndex<T>(path: string, sql: string): T[] {
  if (!existsSync(path)) return [];
  const d = new Database(path);
  try {
    d.run("PRAGMA busy_timeout = 5000");
    return d.query<T, []>(sql).all();
  } catch (err) {
    if (/no such table/.test(String(err))) return [];
    throw err;
  } finally {
    d.close();
  }
}
