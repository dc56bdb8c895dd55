// The torrents removal must protect, gathered when it is about to delete: every torrent
// whose `<HASH>.torrent` is in the session directory now, with its data paths from the
// index — or read from its session files now when the index may lag behind (a change
// not reconciled yet) — and, for a torrent that cannot be read, what is known of where
// its data could be (protect.ts turns this into decisions).

import { readdirSync } from "node:fs";
import { joinPath } from "../events/index.ts";
import { fsPath } from "../fs/path.ts";
import { Protection, type Guarded } from "./protect.ts";
import { readSession, SESSION_TORRENT } from "./session.ts";
import type { SessionStore, Unreadable } from "./store.ts";

/** What would let seedwatch read the torrent again, for messages. */
export function unblockAdvice(session: string, hash: string): string {
  const file = joinPath(session, `${hash}.torrent`);
  return (
    `make ${file} and its .rtorrent readable and valid (rtorrent rewrites them at its next save), ` +
    "or erase the torrent in rtorrent; seedwatch reads it again when it changes"
  );
}

/**
 * Protection for the session as it is now. `stale` names hashes whose index rows may lag
 * behind their session files (a reconcile is pending): those are read now.
 * `session` undefined (a query without a session): every indexed torrent counts as live.
 */
export function sessionProtection(
  store: SessionStore,
  session: string | undefined,
  stale: ReadonlySet<string> = new Set(),
): Protection {
  const paths = store.allPaths();
  const names = store.names();
  const hints = store.records.allHints();
  const unreadable = new Map(store.records.unreadable().map((u) => [u.hash, u]));
  const live = session === undefined ? new Set([...names.keys(), ...unreadable.keys()]) : liveHashes(session);
  const guarded: Guarded[] = [];
  for (const hash of live) {
    const u = unreadable.get(hash);
    if (session !== undefined && (stale.has(hash) || (!u && !names.has(hash)))) {
      const g = readNow(session, hash, names.get(hash) ?? "", paths.get(hash) ?? []);
      if (g) guarded.push(g);
    } else if (u) guarded.push(fromUnreadable(u, names.get(hash) ?? "", paths.get(hash) ?? [], session));
    else
      guarded.push({
        hash,
        name: names.get(hash) ?? "",
        paths: paths.get(hash) ?? [],
        ...(hints.has(hash) ? { hint: hints.get(hash)! } : {}),
      });
  }
  return new Protection(guarded);
}

/** Hashes with an entry named `<HASH>.torrent` in the session directory, whatever its type. */
export function liveHashes(session: string): Set<string> {
  const out = new Set<string>();
  for (const name of readdirSync(fsPath(session))) {
    const m = SESSION_TORRENT.exec(name);
    if (m) out.add(m[1]!);
  }
  return out;
}

// --- internal ---

function readNow(session: string, hash: string, name: string, known: string[]): Guarded | undefined {
  const r = readSession(session, hash);
  if (r.kind === "absent") return undefined;
  if (r.kind === "ok") {
    const t = r.torrent;
    return {
      hash,
      name: t.name,
      paths: [...t.files.map((f) => f.path), ...t.alternates, ...known],
      ...(t.uncertain ? { hint: t.uncertain } : {}),
    };
  }
  if (r.kind === "bad" && !r.loadable && known.length === 0) return undefined; // rtorrent loads no such entry
  const reason = r.kind === "partial" ? `its ${r.missing} is missing` : r.reason;
  return fromUnreadable({ hash, reason, hint: r.hint }, name, known, session);
}

function fromUnreadable(u: Unreadable, name: string, known: string[], session: string | undefined): Guarded {
  return {
    hash: u.hash,
    name,
    paths: known,
    hint: u.hint,
    unreadable: {
      reason: u.reason,
      unblock: session === undefined ? "see seedwatch rtorrent's log" : unblockAdvice(session, u.hash),
    },
  };
}
