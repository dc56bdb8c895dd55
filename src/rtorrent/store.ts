// SessionStore: the SQLite index of the session. The original rtorrent_event tables and
// columns stay as they were (`torrent_data`, `session_files` with `file` holding the
// path's bytes), so existing queries and hooks keep working; seedwatch adds columns for
// what it needs, migrating an original database in place. Schema version in
// PRAGMA user_version; WAL; foreign keys on; a busy timeout so a hook or a reader in
// another process does not fail a write.

import type { Database } from "bun:sqlite";
import { openSqlite, type Migration } from "../db/sqlite.ts";
import { decodePath, encodePath, hasEscapes } from "../events/index.ts";
import type { DataHint, SessionTorrent } from "./session.ts";

export const SCHEMA_VERSION = 2;
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

/** A torrent in the session whose session files cannot be read now, and what is known of its data. */
export interface Unreadable {
  hash: string;
  reason: string;
  hint: DataHint;
}

/** What a torrent's data may also be, beyond its files: see session.ts (alternates, uncertain). */
export interface StoredHints {
  alternates: string[];
  hint: DataHint;
}

export interface TorrentState {
  name: string;
  directory: string;
  tracker: string;
  custom: string[];
  complete: boolean;
  completeHookAt: number | null;
}

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

export class SessionStore {
  readonly db: Database;

  private constructor(
    readonly path: string,
    db: Database,
  ) {
    this.db = db;
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
        "SELECT name, directory, tracker, custom1, custom2, custom3, custom4, custom5, complete, complete_hook_at FROM torrent_data WHERE hash = ?",
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
            `INSERT INTO torrent_data (hash, name, tracker, torrent, libtorrent, rtorrent, base, directory, size, complete, completed_at,
               custom1, custom2, custom3, custom4, custom5, added_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, CASE WHEN ?10 = 1 THEN ?16 END, ?11, ?12, ?13, ?14, ?15, ?16, ?16)`,
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
          this.writeHints(t.hash, { alternates: t.alternates, hint: t.uncertain ?? {} });
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
          `UPDATE torrent_data SET name = ?2, tracker = ?3, torrent = ?4, libtorrent = ?5, rtorrent = ?6, base = ?7, directory = ?8,
             size = ?9, custom1 = ?10, custom2 = ?11, custom3 = ?12, custom4 = ?13, custom5 = ?14, updated_at = ?15 WHERE hash = ?1`,
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
      this.writeHints(t.hash, { alternates: t.alternates, hint: t.uncertain ?? {} });
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

  /** The tails and directory hints of every hash that has some (alternates are in allPaths). */
  allHints(): Map<string, DataHint> {
    const out = new Map<string, DataHint>();
    for (const r of this.db
      .query<{ hash: string; kind: string; value: Uint8Array }, []>(
        "SELECT hash, kind, value FROM data_hints WHERE kind <> 'alternate'",
      )
      .all()) {
      const h = out.get(r.hash) ?? {};
      if (r.kind === "tail") (h.tails ??= []).push(decodePath(r.value));
      else h.directory = decodePath(r.value);
      out.set(r.hash, h);
    }
    return out;
  }

  /** Hints of a hash: alternates, and tails/directory of an uncertain or unreadable torrent. */
  hints(hash: string): StoredHints {
    const rows = this.db
      .query<{ kind: string; value: Uint8Array }, [string]>("SELECT kind, value FROM data_hints WHERE hash = ?")
      .all(hash);
    const of = (kind: string) => rows.filter((r) => r.kind === kind).map((r) => decodePath(r.value));
    const tails = of("tail");
    const directory = of("directory")[0];
    return {
      alternates: of("alternate"),
      hint: { ...(tails.length ? { tails } : {}), ...(directory !== undefined ? { directory } : {}) },
    };
  }

  /** Torrents of the session that could not be read when last seen, with what is known of their data. */
  unreadable(): Unreadable[] {
    return this.db
      .query<{ hash: string; reason: string }, []>("SELECT hash, reason FROM unreadable ORDER BY hash")
      .all()
      .map((r) => ({ hash: r.hash, reason: r.reason, hint: this.hints(r.hash).hint }));
  }

  /** Record that `hash` cannot be read now (its index rows, if any, stay as they were). */
  markUnreadable(u: Unreadable, now = Date.now()): void {
    const run = () => {
      this.db
        .query(
          "INSERT INTO unreadable (hash, reason, since) VALUES (?1, ?2, ?3) ON CONFLICT(hash) DO UPDATE SET reason = ?2",
        )
        .run(u.hash, u.reason, now);
      this.writeHints(u.hash, { alternates: this.hints(u.hash).alternates, hint: u.hint });
    };
    if (this.db.inTransaction) run();
    else this.db.transaction(run)();
  }

  /** `hash` reads again (or is gone): forget that it could not be read, and the hints that came with it. */
  clearUnreadable(hash: string): boolean {
    if (this.db.query("DELETE FROM unreadable WHERE hash = ?").run(hash).changes === 0) return false;
    this.db.query("DELETE FROM data_hints WHERE hash = ? AND kind <> 'alternate'").run(hash);
    return true;
  }

  /** The hints a readable torrent carries (its alternates, and tails when its directory is relative). */
  refreshHints(t: SessionTorrent): void {
    this.writeHints(t.hash, { alternates: t.alternates, hint: t.uncertain ?? {} });
  }

  /** The `complete` flag as rtorrent last wrote it; returns true when it just turned on. */
  setComplete(hash: string, complete: boolean, now = Date.now()): boolean {
    const r = this.db
      .query(`UPDATE torrent_data SET complete = ?2, completed_at = CASE WHEN ?2 = 1 AND complete = 0 THEN ?3 ELSE completed_at END
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

  private writeHints(hash: string, h: StoredHints): void {
    this.db.query("DELETE FROM data_hints WHERE hash = ?").run(hash);
    const rows: [string, string][] = [
      ...h.alternates.map((p): [string, string] => ["alternate", p]),
      ...(h.hint.tails ?? []).map((t): [string, string] => ["tail", t]),
      ...(h.hint.directory === undefined ? [] : [["directory", h.hint.directory] as [string, string]]),
    ];
    if (rows.length === 0) return;
    const put = this.db.query("INSERT OR IGNORE INTO data_hints (hash, kind, value) VALUES (?, ?, ?)");
    for (const [kind, value] of rows) put.run(hash, kind, encodePath(value));
  }
}

// --- internal ---

/**
 * Text columns that may hold a path or a name (name, base, directory): plain text as the
 * original tables had it, and the exact bytes (a BLOB) when they are not UTF-8 — SQLite
 * would store such text with U+FFFD, another path.
 */
type DbText = string | Uint8Array | null;

function toDb(text: string): string | Uint8Array {
  return hasEscapes(text) ? encodePath(text) : text;
}

function fromDb(v: DbText): string {
  return v === null ? "" : typeof v === "string" ? v : decodePath(v);
}

interface Row {
  hash: string;
  name: DbText;
  tracker: string;
  base: DbText;
  directory: DbText;
  size: number | null;
  complete: number;
  completed_at: number | null;
  complete_hook_at: number | null;
  custom1: string | null;
  custom2: string | null;
  custom3: string | null;
  custom4: string | null;
  custom5: string | null;
  files: number;
}

interface StateRow {
  name: DbText;
  directory: DbText;
  tracker: string;
  custom1: string | null;
  custom2: string | null;
  custom3: string | null;
  custom4: string | null;
  custom5: string | null;
  complete: number;
  complete_hook_at: number | null;
}

interface FileRow {
  hash: string;
  file: Uint8Array | string;
  size: number | null;
  dev: number | null;
  ino: number | null;
}

const SELECT_TORRENT = `SELECT t.hash, t.name, t.tracker, t.base, t.directory, t.size, t.complete, t.completed_at, t.complete_hook_at,
  t.custom1, t.custom2, t.custom3, t.custom4, t.custom5, COUNT(f.file) AS files
  FROM torrent_data t LEFT JOIN session_files f ON f.hash = t.hash`;

function toTorrent(r: Row): StoredTorrent {
  return {
    hash: r.hash,
    name: fromDb(r.name),
    tracker: r.tracker,
    base: fromDb(r.base),
    directory: fromDb(r.directory),
    size: r.size ?? 0,
    complete: r.complete === 1,
    completedAt: r.completed_at,
    completeHookAt: r.complete_hook_at,
    custom: [r.custom1, r.custom2, r.custom3, r.custom4, r.custom5].map((c) => c ?? ""),
    files: r.files,
  };
}

function toFile(r: FileRow): StoredFile {
  const path = typeof r.file === "string" ? r.file : decodePath(r.file);
  return { hash: r.hash, path, size: r.size ?? 0, dev: r.dev, ino: r.ino };
}

const MIGRATIONS: Migration[] = [
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
        "CREATE TABLE data_hints (hash text NOT NULL, kind text NOT NULL, value blob NOT NULL, PRIMARY KEY (hash, kind, value))",
      );
      db.run("CREATE TABLE unreadable (hash text PRIMARY KEY, reason text NOT NULL, since integer NOT NULL)");
      db.run(
        "CREATE TABLE pending_erasures (hash text PRIMARY KEY, name blob, base blob NOT NULL, multi integer NOT NULL, reason text, since integer NOT NULL)",
      );
      db.run("CREATE TABLE pending_erasure_files (hash text NOT NULL, file blob NOT NULL, PRIMARY KEY (hash, file))");
      // dev and ino are no longer recorded (removal looks at the disk when it acts): no index to keep up.
      db.run("DROP INDEX IF EXISTS sfi");
    },
  },
];
