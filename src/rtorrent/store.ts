// SessionStore: the SQLite index of the session. The original rtorrent_event tables and
// columns stay as they were (`torrent_data`, `session_files` with `file` holding the
// path's bytes), so existing queries and hooks keep working; seedwatch adds columns for
// what it needs, migrating an original database in place. Schema version in
// PRAGMA user_version; WAL; foreign keys on; a busy timeout so a hook or a reader in
// another process does not fail a write.

import type { Database } from "bun:sqlite";
import { openSqlite } from "../db/sqlite.ts";
import { ProtectionRecords } from "./records.ts";
import {
  type DbText,
  type FileRow,
  fromDb,
  type Row,
  SELECT_TORRENT,
  type StateRow,
  toDb,
  toFile,
  toTorrent,
} from "./rows.ts";
import { MIGRATIONS } from "./schema.ts";

export type { StoredHints, Unreadable } from "./records.ts";
import { decodePath, encodePath } from "../events/index.ts";
import type { SessionTorrent } from "./session.ts";

export { SCHEMA_VERSION } from "./schema.ts";
export { DatabaseError } from "../db/sqlite.ts";

export interface StoredTorrent {
  hash: string;
  name: string;
  tracker: string;
  base: string;
  directory: string;
  size: number;
  complete: boolean;
  completedAt: number | null;
  completeHookAt: number | null;
  custom: string[];
  files: number;
}

export interface StoredFile {
  hash: string;
  path: string;
  size: number;
  dev: number | null;
  ino: number | null;
}

export type UpsertResult = "added" | "updated" | "unchanged";

export interface TorrentState {
  name: string;
  directory: string;
  tracker: string;
  custom: string[];
  complete: boolean;
  completeHookAt: number | null;
}

export class SessionStore {
  readonly db: Database;
  /** Hints and unreadable torrents (records.ts). */
  readonly records: ProtectionRecords;

  private constructor(
    readonly path: string,
    db: Database,
  ) {
    this.db = db;
    this.records = new ProtectionRecords(db);
  }

  /** Open (creating or migrating) the index at `path`; ":memory:" for tests. */
  static open(path: string): SessionStore {
    return new SessionStore(path, openSqlite(path, { migrations: MIGRATIONS, what: "the index", flag: "--db" }));
  }

  /**
   * For -n: an in-memory copy of the index at `path` (or an empty one), so a dry run
   * computes exactly what a real run would, and the file is never written.
   */
  static openCopy(path: string): SessionStore {
    return new SessionStore(
      path,
      openSqlite(path, { migrations: MIGRATIONS, what: "the index", flag: "--db", copy: true }),
    );
  }

  hashes(): Set<string> {
    return new Set(
      this.db
        .query<{ hash: string }, []>("SELECT hash FROM torrent_data")
        .all()
        .map((r) => r.hash),
    );
  }

  get(hash: string): StoredTorrent | undefined {
    const r = this.db.query<Row, [string]>(`${SELECT_TORRENT} WHERE t.hash = ? GROUP BY t.hash`).get(hash);
    return r ? toTorrent(r) : undefined;
  }

  /** The few fields a reconcile needs, by primary key (cheaper than get()). */
  state(hash: string): TorrentState | undefined {
    const r = this.db
      .query<StateRow, [string]>(
        `SELECT name, directory, tracker, custom1, custom2, custom3, custom4, custom5, complete, complete_hook_at
         FROM torrent_data WHERE hash = ?`,
      )
      .get(hash);
    if (!r) return undefined;
    return {
      name: fromDb(r.name),
      directory: fromDb(r.directory),
      tracker: r.tracker,
      custom: [r.custom1, r.custom2, r.custom3, r.custom4, r.custom5].map((c) => c ?? ""),
      complete: r.complete === 1,
      completeHookAt: r.complete_hook_at,
    };
  }

  /**
   * Run `fn` inside one transaction: one commit for many upserts. Foreign keys are not
   * checked meanwhile (measured: the per-row parent lookup was half the cost of a cold
   * index); every write here inserts a torrent before its files and removes files before
   * their torrent, so the keys hold by construction.
   */
  /**
   * Run `fn`, the first full reconcile of an index with no torrent yet, with a rollback
   * journal instead of the WAL. In WAL mode every page of a new index is written twice
   * (into the WAL, then into the file at each checkpoint): a third of a cold start's
   * SQLite time (measured on 10,000 torrents). A rollback journal keeps only what a commit
   * overwrites, which a new index barely does, and a crash still rolls back to the last
   * commit. The WAL is back before this returns. If SQLite refuses the switch (another
   * connection has the file open), nothing changes.
   */
  async building<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.journal("truncate")) return fn();
    try {
      return await fn();
    } finally {
      this.journal("wal");
    }
  }

  bulk<T>(fn: () => T): T {
    this.db.run("PRAGMA foreign_keys = OFF");
    this.db.run("BEGIN");
    try {
      const v = fn();
      this.db.run("COMMIT");
      return v;
    } catch (err) {
      this.db.run("ROLLBACK");
      throw err;
    } finally {
      this.db.run("PRAGMA foreign_keys = ON");
    }
  }

  /** Switch the journal mode; whether SQLite did. */
  private journal(mode: "truncate" | "wal"): boolean {
    try {
      return this.db.query<{ journal_mode: string }, []>(`PRAGMA journal_mode = ${mode}`).get()?.journal_mode === mode;
    } catch {
      return false; // busy: another connection
    }
  }

  list(): StoredTorrent[] {
    return this.db.query<Row, []>(`${SELECT_TORRENT} GROUP BY t.hash ORDER BY t.name`).all().map(toTorrent);
  }

  files(hash: string): StoredFile[] {
    return this.db
      .query<FileRow, [string]>("SELECT hash, file, size, dev, ino FROM session_files WHERE hash = ? ORDER BY rowid")
      .all(hash)
      .map(toFile);
  }

  /**
   * Add or refresh a torrent from its session files. Nothing is written when nothing
   * seedwatch reads changed (a save rewrites .rtorrent every 20 minutes).
   * `known: false` says the hash is not indexed (a full reconcile knows): no lookup.
   */
  upsert(t: SessionTorrent, now = Date.now(), known?: boolean): UpsertResult {
    const body = (): UpsertResult => {
      const old = known === false ? undefined : this.state(t.hash);
      if (!old) {
        this.db
          .query(
            `INSERT INTO torrent_data (hash, name, tracker, torrent, libtorrent, rtorrent, base, directory, size,
               complete, completed_at, custom1, custom2, custom3, custom4, custom5, added_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,
               ?10, CASE WHEN ?10 = 1 THEN ?16 END, ?11, ?12, ?13, ?14, ?15, ?16, ?16)`,
          )
          .run(
            t.hash,
            toDb(t.name),
            t.tracker,
            t.raw.torrent,
            t.raw.resume ?? null,
            t.raw.rtorrent,
            toDb(t.base),
            toDb(t.directory),
            t.size,
            t.complete ? 1 : 0,
            ...t.custom,
            now,
          );
        this.putFiles(t);
        if (t.alternates.length > 0 || t.uncertain)
          this.records.writeHints(t.hash, { alternates: t.alternates, hint: t.uncertain ?? {} });
        return "added";
      }
      const oldFiles = this.db
        .query<{ file: Uint8Array | string }, [string]>("SELECT file FROM session_files WHERE hash = ? ORDER BY rowid")
        .all(t.hash);
      const filesChanged =
        oldFiles.length !== t.files.length || oldFiles.some((r, i) => fromDb(r.file) !== t.files[i]!.path);
      const same =
        !filesChanged &&
        old.name === t.name &&
        old.directory === t.directory &&
        old.tracker === t.tracker &&
        old.custom.every((c, i) => c === t.custom[i]);
      if (same) return "unchanged";
      this.db
        .query(
          `UPDATE torrent_data SET name = ?2, tracker = ?3, torrent = ?4, libtorrent = ?5, rtorrent = ?6,
             base = ?7, directory = ?8, size = ?9, custom1 = ?10, custom2 = ?11, custom3 = ?12, custom4 = ?13,
             custom5 = ?14, updated_at = ?15 WHERE hash = ?1`,
        )
        .run(
          t.hash,
          toDb(t.name),
          t.tracker,
          t.raw.torrent,
          t.raw.resume ?? null,
          t.raw.rtorrent,
          toDb(t.base),
          toDb(t.directory),
          t.size,
          ...t.custom,
          now,
        );
      if (filesChanged) {
        this.db.query("DELETE FROM session_files WHERE hash = ?").run(t.hash);
        this.putFiles(t);
      }
      this.records.writeHints(t.hash, { alternates: t.alternates, hint: t.uncertain ?? {} });
      return "updated";
    };
    // Inside batch() already: no savepoint per torrent (measured: it costs).
    return this.db.inTransaction ? body() : this.db.transaction(body)();
  }

  remove(hash: string): void {
    this.db.transaction(() => {
      this.db.query("DELETE FROM session_files WHERE hash = ?").run(hash);
      this.db.query("DELETE FROM torrent_data WHERE hash = ?").run(hash);
      this.db.query("DELETE FROM data_hints WHERE hash = ?").run(hash);
    })();
  }

  /** Every indexed file and alternate path, by hash (for the removal's protection). */
  allPaths(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    const add = (hash: string, file: Uint8Array | string) => {
      const list = out.get(hash) ?? [];
      list.push(typeof file === "string" ? file : decodePath(file));
      out.set(hash, list);
    };
    for (const r of this.db
      .query<{ hash: string; file: Uint8Array | string }, []>("SELECT hash, file FROM session_files")
      .all())
      add(r.hash, r.file);
    for (const r of this.db
      .query<{ hash: string; value: Uint8Array }, []>("SELECT hash, value FROM data_hints WHERE kind = 'alternate'")
      .all())
      add(r.hash, r.value);
    return out;
  }

  /** Every indexed torrent's name, by hash. */
  names(): Map<string, string> {
    return new Map(
      this.db
        .query<{ hash: string; name: DbText }, []>("SELECT hash, name FROM torrent_data")
        .all()
        .map((r) => [r.hash, fromDb(r.name)]),
    );
  }

  /** The `complete` flag as rtorrent last wrote it; returns true when it just turned on. */
  setComplete(hash: string, complete: boolean, now = Date.now()): boolean {
    const r = this.db
      .query(`UPDATE torrent_data SET complete = ?2,
                completed_at = CASE WHEN ?2 = 1 AND complete = 0 THEN ?3 ELSE completed_at END
              WHERE hash = ?1 AND complete <> ?2`)
      .run(hash, complete ? 1 : 0, now);
    return complete && r.changes > 0;
  }

  /** Complete torrents whose `complete` hook has not run yet. */
  pendingCompletions(): string[] {
    return this.db
      .query<{ hash: string }, []>(
        "SELECT hash FROM torrent_data WHERE complete = 1 AND complete_hook_at IS NULL ORDER BY completed_at",
      )
      .all()
      .map((r) => r.hash);
  }

  markCompleteHookRun(hash: string, now = Date.now()): void {
    this.db.query("UPDATE torrent_data SET complete_hook_at = ? WHERE hash = ?").run(now, hash);
  }

  /** Torrents whose files include `path`. */
  owners(path: string): string[] {
    return this.db
      .query<{ hash: string }, [Uint8Array]>("SELECT DISTINCT hash FROM session_files WHERE file = ?")
      .all(encodePath(path))
      .map((r) => r.hash);
  }

  close(): void {
    this.db.close();
  }

  /** The file rows of a torrent (dev and ino stay empty: removal looks at the disk when it acts). */
  private putFiles(t: SessionTorrent): void {
    const put = this.db.query("INSERT OR REPLACE INTO session_files (hash, file, size) VALUES (?, ?, ?)");
    for (const f of t.files) put.run(t.hash, encodePath(f.path), f.size);
  }
}
