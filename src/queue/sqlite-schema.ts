// The queue's SQLite schema, as numbered migrations for openSqlite. Times are ms since
// the epoch. `due_at` is when a task may next be leased: 0 for a new one, the end of its
// backoff, or the end of its lease; NULL once settled. One partial index on it makes a
// lease an index range scan, whatever the queue's size. There is no index on `state`: a
// lease changes the state of every row it takes, and keeping such an index cost more
// than the full scan it saves `stats` and `ls --state` (measured: bench/queue.ts).

import type { Migration } from "../db/sqlite.ts";

export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    up(db) {
      db.run(`
CREATE TABLE albums (
  id INTEGER PRIMARY KEY,
  artist TEXT NOT NULL,
  title TEXT NOT NULL,
  norm_key TEXT NOT NULL UNIQUE,
  extra TEXT NOT NULL DEFAULT '{}',
  state TEXT NOT NULL DEFAULT 'pending',
  due_at INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0,
  lease_id TEXT,
  worker TEXT,
  error TEXT,
  added_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX albums_due ON albums (due_at, id) WHERE due_at IS NOT NULL;
CREATE UNIQUE INDEX albums_exact ON albums (artist, title);
CREATE TABLE album_sites (
  album_id INTEGER NOT NULL REFERENCES albums (id),
  site TEXT NOT NULL,
  torrent_ids TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (album_id, site)
);
CREATE TABLE downloads (
  id INTEGER PRIMARY KEY,
  site TEXT NOT NULL,
  site_torrent_id INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT 'queued',
  due_at INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0,
  lease_id TEXT,
  worker TEXT,
  seedbox TEXT,
  info_hash TEXT,
  local_path TEXT,
  reason TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (site, site_torrent_id)
);
CREATE INDEX downloads_due ON downloads (site, due_at, id) WHERE due_at IS NOT NULL;
CREATE TABLE album_downloads (
  album_id INTEGER NOT NULL REFERENCES albums (id),
  download_id INTEGER NOT NULL REFERENCES downloads (id),
  PRIMARY KEY (album_id, download_id)
);
CREATE INDEX album_downloads_download ON album_downloads (download_id);
CREATE TABLE cache (
  kind TEXT NOT NULL,
  site TEXT NOT NULL,
  key TEXT NOT NULL,
  body TEXT NOT NULL,
  fetched_at INTEGER NOT NULL,
  PRIMARY KEY (kind, site, key)
);
CREATE TABLE tokens (
  name TEXT PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  read_only INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE workers (name TEXT PRIMARY KEY, last_seen INTEGER NOT NULL, last_action TEXT NOT NULL);
CREATE TABLE activity (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, worker TEXT NOT NULL, what TEXT NOT NULL);
`);
    },
  },
];
