// Erasure: what becomes of an erased torrent's data with -r. The data no torrent in the
// session can need is deleted now (remover.ts, protect.ts). When deleting is held back —
// a torrent in the session that cannot be read could own any file, or --max-delete would
// be exceeded — the erasure is kept in the index (pending_erasures). So are the files kept
// only because an unreadable torrent might own them (its folder holds them, or its file
// names end their paths); the rest goes now. What is pending is tried again when that may
// have changed: at the next start or --once, and in the daemon whenever a torrent that
// could not be read is readable again. Nothing is forgotten, nothing is deleted early.

import type { Database } from "bun:sqlite";
import { decodePath, encodePath, parentPath } from "../events/index.ts";
import { unblockAdvice } from "./guard.ts";
import type { Protection } from "./protect.ts";
import { carryOut, planRemoval, type RemovalPlan, type RemovalResult } from "./remover.ts";
import type { SessionStore } from "./store.ts";

export interface Erased {
  hash: string;
  name: string;
  files: string[];
  base: string;
  multiFile: boolean;
}

export interface ErasureOptions {
  store: SessionStore;
  session: string;
  roots: string[];
  dryRun: boolean;
  trash?: string;
  maxDelete?: number;
  say: (line: string) => void;
  warn: (line: string) => void;
}

/** Counters shared with the tracker's summary. */
export interface ErasureCounts {
  deleted: number;
  refusedDeletes: number;
}

export class Erasure {
  constructor(
    private readonly o: ErasureOptions,
    private readonly counts: ErasureCounts,
  ) {}

  /** Delete what of `e`'s data no live torrent can need; undefined when held back (kept pending). */
  erase(e: Erased, protection: Protection): RemovalResult | undefined {
    const plan = protection.blockAll
      ? undefined
      : planRemoval(e.hash, e.files, e.base, e.multiFile, this.o.roots, protection);
    const held = this.heldBack(e, protection, plan);
    if (held || !plan) {
      this.counts.refusedDeletes += plan?.remove.length ?? e.files.length;
      this.o.warn(held!);
      pending(this.o.store.db).keep(e, held!);
      return undefined;
    }
    const result = carryOut(
      plan,
      { dryRun: this.o.dryRun, trash: this.o.trash, trashBase: parentPath(e.base) },
      protection,
      this.o.say,
    );
    this.counts.deleted += result.removed.length;
    // Files kept only because a torrent that cannot be read might own them stay pending:
    // once it reads again, they go if it does not need them.
    const uncertain = plan.keep.filter((k) => k.uncertain).map((k) => k.path);
    if (uncertain.length > 0) {
      pending(this.o.store.db).keep(
        { ...e, files: uncertain },
        `${uncertain.length} file(s) kept while a torrent in the session cannot be read`,
      );
      this.o.warn(
        `${e.hash} ${JSON.stringify(e.name)}: ${uncertain.length} of its ${e.files.length} file(s) kept for now: ` +
          "a torrent in the session that cannot be read may own them (see the keep lines above); " +
          "the deletion is tried again once it reads",
      );
    } else pending(this.o.store.db).drop(e.hash);
    return result;
  }

  /** Erasures held back earlier (this run or a previous one). */
  pending(): Erased[] {
    return pending(this.o.store.db).all();
  }

  /** Try every held-back erasure again with `protection` (the session as it is now). */
  retry(protection: Protection): number {
    let done = 0;
    for (const e of this.pending()) {
      if (protection.blockAll) break;
      const r = this.erase(e, protection);
      if (r) {
        done++;
        this.o.say(
          `deleted ${r.removed.length} of ${e.files.length} file(s) of ${e.hash} ${JSON.stringify(e.name)}, ` +
            "erased earlier and held back until now",
        );
      }
    }
    return done;
  }

  // --- internal ---

  private heldBack(e: Erased, protection: Protection, plan: RemovalPlan | undefined): string | undefined {
    const b = protection.blockAll;
    if (b || !plan) {
      return (
        `${e.hash} ${JSON.stringify(e.name)}: none of its ${e.files.length} file(s) deleted yet: ` +
        `${b?.hash} is in the session but cannot be read (${b?.unreadable?.reason}), so its files could be any; ` +
        `${unblockAdvice(this.o.session, b?.hash ?? "")}; the deletion is tried again then`
      );
    }
    const cap = this.o.maxDelete;
    if (cap !== undefined && this.counts.deleted + plan.remove.length > cap) {
      return (
        `${e.hash}: not deleting ${plan.remove.length} file(s): --max-delete ${cap} would be exceeded ` +
        `(${this.counts.deleted} deleted so far in this run); it is tried again at the next run`
      );
    }
    return undefined;
  }
}

// --- the pending_erasures tables (created by store.ts's migration) ---

function pending(db: Database) {
  return {
    keep(e: Erased, reason: string): void {
      db.transaction(() => {
        db.query(
          "INSERT OR REPLACE INTO pending_erasures (hash, name, base, multi, reason, since) VALUES (?, ?, ?, ?, ?, ?)",
        ).run(e.hash, encodePath(e.name), encodePath(e.base), e.multiFile ? 1 : 0, reason, Date.now());
        db.query("DELETE FROM pending_erasure_files WHERE hash = ?").run(e.hash);
        const put = db.query("INSERT OR IGNORE INTO pending_erasure_files (hash, file) VALUES (?, ?)");
        for (const f of e.files) put.run(e.hash, encodePath(f));
      })();
    },
    drop(hash: string): void {
      db.query("DELETE FROM pending_erasure_files WHERE hash = ?").run(hash);
      db.query("DELETE FROM pending_erasures WHERE hash = ?").run(hash);
    },
    all(): Erased[] {
      const rows = db
        .query<{ hash: string; name: Uint8Array; base: Uint8Array; multi: number }, []>(
          "SELECT hash, name, base, multi FROM pending_erasures ORDER BY since",
        )
        .all();
      const files = db.query<{ file: Uint8Array }, [string]>(
        "SELECT file FROM pending_erasure_files WHERE hash = ? ORDER BY rowid",
      );
      return rows.map((r) => ({
        hash: r.hash,
        name: decodePath(r.name),
        base: decodePath(r.base),
        multiFile: r.multi === 1,
        files: files.all(r.hash).map((f) => decodePath(f.file)),
      }));
    },
  };
}
