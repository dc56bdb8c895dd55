// What the index remembers beyond torrents and their files, for removal to protect
// (protect.ts): data hints (alternate paths, path tails, a directory) and the torrents of
// the session that could not be read when last seen.

import type { Database } from "bun:sqlite";
import { decodePath, encodePath } from "../events/index.ts";
import type { DataHint, SessionTorrent } from "./session.ts";

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

export class ProtectionRecords {
  constructor(private readonly db: Database) {}

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
          `INSERT INTO unreadable (hash, reason, since) VALUES (?1, ?2, ?3)
           ON CONFLICT(hash) DO UPDATE SET reason = ?2`,
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

  /** Replace the hints of `hash`. */
  writeHints(hash: string, h: StoredHints): void {
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
