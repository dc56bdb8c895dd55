// Opening a SQLite database the way every seedwatch store wants it: WAL (readers never
// wait for the writer), foreign keys on, a busy timeout so another process's reader or a
// hook's write does not fail ours, synchronous NORMAL (no fsync per commit: what is kept
// here can be rebuilt or is re-sent by its clients), and schema migrations numbered in
// PRAGMA user_version. Every failure is a DatabaseError with what to do.

import { Database } from "bun:sqlite";
import { existsSync, mkdirSync } from "node:fs";
import { EXIT, SeedError } from "../errors.ts";
import { parentPath } from "../events/path.ts";

export class DatabaseError extends SeedError {
  constructor(message: string, hint: string, cause?: unknown) {
    super(message, { code: "database", exitCode: EXIT.database, hint, cause });
  }
}

/** One step of a schema: from version - 1 to `version`. `up` runs inside a transaction. */
export interface Migration {
  version: number;
  up(db: Database): void;
}

export interface OpenOptions {
  migrations: readonly Migration[];
  /** What the database is, for messages ("the index", "the queue"). */
  what: string;
  /** The option that names another file, for hints ("--db"). */
  flag?: string;
  /** An in-memory copy of the file (or an empty database): for dry runs, never written. */
  copy?: boolean;
}

/** Open (creating and migrating) the database at `path`; ":memory:" for tests. */
export function openSqlite(path: string, o: OpenOptions): Database {
  const hint = `check the path and its permissions${o.flag ? `, or name another with ${o.flag}` : ""}`;
  let db: Database | undefined;
  try {
    db = o.copy ? memoryCopy(path) : onDisk(path);
    db.run("PRAGMA foreign_keys = ON");
    migrate(db, o.migrations);
    return db;
  } catch (err) {
    db?.close();
    if (err instanceof DatabaseError) throw err;
    throw new DatabaseError(
      `cannot ${o.copy ? "read" : "open"} ${o.what} ${JSON.stringify(path)}: ${(err as Error).message}`,
      hint,
      err,
    );
  }
}

/** The schema version a database is at (0: none, or a foreign one). */
export function schemaVersion(db: Database): number {
  return db.query<{ user_version: number }, []>("PRAGMA user_version").get()!.user_version;
}

// --- internal ---

function onDisk(path: string): Database {
  if (path !== ":memory:") mkdirSync(parentPath(path), { recursive: true });
  const db = new Database(path, { create: true, strict: true });
  db.run("PRAGMA busy_timeout = 5000");
  db.run("PRAGMA journal_mode = WAL");
  db.run("PRAGMA synchronous = NORMAL");
  return db;
}

function memoryCopy(path: string): Database {
  if (!existsSync(path)) return new Database(":memory:", { strict: true });
  // Not { readonly: true }: SQLite cannot open a WAL database read-only once its -wal and
  // -shm files are gone. This connection only reads; the file's bytes stay as they are.
  const src = new Database(path);
  const bytes = src.serialize();
  src.close();
  // The image says "WAL" (header bytes 18-19 = 2); memory databases cannot do WAL.
  bytes[18] = 1;
  bytes[19] = 1;
  return Database.deserialize(bytes, { strict: true });
}

function migrate(db: Database, migrations: readonly Migration[]): void {
  const latest = Math.max(0, ...migrations.map((m) => m.version));
  const version = schemaVersion(db);
  if (version > latest) {
    throw new DatabaseError(
      `schema version ${version} is newer than this seedwatch understands (${latest})`,
      "use the newer seedwatch that wrote it, or move the file aside to start a new one",
    );
  }
  const due = migrations.filter((m) => m.version > version).sort((a, b) => a.version - b.version);
  if (due.length === 0) return;
  db.transaction(() => {
    for (const m of due) m.up(db);
    db.run(`PRAGMA user_version = ${latest}`);
  })();
}
