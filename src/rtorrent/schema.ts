// The index's schema: rtorrent_event's two tables exactly (an old database is at version
// 0 and has them), seedwatch's columns added to them, and its own tables. Each version is
// one migration (db/sqlite.ts runs what a database lacks, in one transaction).

import type { Migration } from "../db/sqlite.ts";

const ADDED_COLUMNS: [table: string, column: string, decl: string][] = [
  ["torrent_data", "base", "text"],
  ["torrent_data", "directory", "text"],
  ["torrent_data", "size", "integer"],
  ["torrent_data", "complete", "integer NOT NULL DEFAULT 0"],
  ["torrent_data", "completed_at", "integer"],
  ["torrent_data", "complete_hook_at", "integer"],
  ["torrent_data", "custom1", "text"],
  ["torrent_data", "custom2", "text"],
  ["torrent_data", "custom3", "text"],
  ["torrent_data", "custom4", "text"],
  ["torrent_data", "custom5", "text"],
  ["torrent_data", "added_at", "integer"],
  ["torrent_data", "updated_at", "integer"],
  ["session_files", "size", "integer"],
  ["session_files", "dev", "integer"],
  ["session_files", "ino", "integer"],
];

export const MIGRATIONS: Migration[] = [
  {
    // The original rtorrent_event tables, exactly (an old database is at version 0 and
    // has them already), plus seedwatch's columns.
    version: 1,
    up(db) {
      db.run(`CREATE TABLE IF NOT EXISTS torrent_data (hash text PRIMARY KEY, name text, tracker text,
        torrent blob, libtorrent blob, rtorrent blob)`);
      db.run(`CREATE TABLE IF NOT EXISTS session_files (hash text NOT NULL, file path NOT NULL,
        PRIMARY KEY (hash, file), FOREIGN KEY (hash) REFERENCES torrent_data(hash))`);
      db.run("CREATE INDEX IF NOT EXISTS sff ON session_files(file)");
      // rtorrent_event also made sfh ON session_files(hash); the primary key (hash, file)
      // already serves lookups by hash, so new indexes skip it (an old one is left alone).
      for (const [table, column, decl] of ADDED_COLUMNS) {
        const has = db
          .query<{ name: string }, []>(`PRAGMA table_info(${table})`)
          .all()
          .some((c) => c.name === column);
        if (!has) db.run(`ALTER TABLE ${table} ADD COLUMN ${column} ${decl}`);
      }
    },
  },
  {
    // What removal must protect beyond the files themselves (session.ts, protect.ts), and
    // erasures held back (erasure.ts).
    version: 2,
    up(db) {
      db.run(
        "CREATE TABLE data_hints (hash text NOT NULL, kind text NOT NULL, value blob NOT NULL, " +
          "PRIMARY KEY (hash, kind, value))",
      );
      db.run("CREATE TABLE unreadable (hash text PRIMARY KEY, reason text NOT NULL, since integer NOT NULL)");
      db.run(
        "CREATE TABLE pending_erasures (hash text PRIMARY KEY, name blob, base blob NOT NULL, " +
          "multi integer NOT NULL, reason text, since integer NOT NULL)",
      );
      db.run("CREATE TABLE pending_erasure_files (hash text NOT NULL, file blob NOT NULL, PRIMARY KEY (hash, file))");
      // dev and ino are no longer recorded (removal looks at the disk when it acts): no index to keep up.
      db.run("DROP INDEX IF EXISTS sfi");
    },
  },
];

/** The version a database is at after every migration. */
export const SCHEMA_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));
