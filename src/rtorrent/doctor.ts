// rtorrent checks for `seedwatch doctor`: the index and the session directory.

import { Database } from "bun:sqlite";
import { existsSync, readdirSync } from "node:fs";
import { rtorrentLock } from "./lock.ts";
import { SESSION_TORRENT } from "./session.ts";
import { SCHEMA_VERSION } from "./store.ts";

export interface Finding {
  check: string;
  status: "ok" | "warn" | "fail";
  detail: string;
  fix?: string;
}

export function* indexFindings(path: string): Generator<Finding> {
  const check = "rtorrent index";
  if (!existsSync(path))
    return yield { check, status: "ok", detail: `none yet at ${path} (seedwatch rtorrent creates it)` };
  let db: Database | undefined;
  try {
    db = new Database(path);
    const version = db.query<{ user_version: number }, []>("PRAGMA user_version").get()!.user_version;
    const ok = db.query<{ quick_check: string }, []>("PRAGMA quick_check").get()!.quick_check;
    const n = db.query<{ n: number }, []>("SELECT COUNT(*) n FROM torrent_data").get()!.n;
    if (ok !== "ok")
      yield {
        check,
        status: "fail",
        detail: `${path}: ${ok}`,
        fix: "move it aside; seedwatch rtorrent --once rebuilds it from the session",
      };
    else if (version > SCHEMA_VERSION)
      yield {
        check,
        status: "fail",
        detail: `${path}: schema ${version} is newer than this seedwatch (${SCHEMA_VERSION})`,
        fix: "use the newer seedwatch that wrote it",
      };
    else
      yield {
        check,
        status: "ok",
        detail: `${path}: ${n} torrents, schema ${version || "rtorrent_event (migrated on first use)"}`,
      };
  } catch (err) {
    yield {
      check,
      status: "fail",
      detail: `${path}: ${(err as Error).message}`,
      fix: "move it aside; seedwatch rtorrent --once rebuilds it from the session",
    };
  } finally {
    db?.close();
  }
}

export function* sessionFindings(session: string): Generator<Finding> {
  const check = "rtorrent session";
  let names: string[];
  try {
    names = readdirSync(session);
  } catch (err) {
    return yield {
      check,
      status: "fail",
      detail: `${session}: ${(err as Error).message}`,
      fix: "give the directory of session.path in rtorrent.rc",
    };
  }
  const torrents = new Set(names.filter((n) => SESSION_TORRENT.test(n)).map((n) => n.slice(0, 40)));
  const lock = rtorrentLock(session);
  const lockText = lock.held
    ? `rtorrent running (${lock.by})`
    : lock.stale
      ? `stale lock (${lock.stale})`
      : "rtorrent not running";
  yield { check, status: "ok", detail: `${session}: ${torrents.size} torrents, ${lockText}` };
  const leftovers = names.filter((n) => n.endsWith(".new"));
  if (leftovers.length)
    yield {
      check: `${check} leftovers`,
      status: "warn",
      detail: `${leftovers.length} .new file(s) from an interrupted save (e.g. ${leftovers[0]})`,
      fix: "harmless; rtorrent replaces them at the next save of that torrent",
    };
  const orphans = names.filter((n) => /^[0-9A-F]{40}\.torrent\.rtorrent$/.test(n) && !torrents.has(n.slice(0, 40)));
  if (orphans.length)
    yield {
      check: `${check} orphans`,
      status: "warn",
      detail: `${orphans.length} .rtorrent file(s) without their .torrent (rtorrent killed mid-add?)`,
      fix: "rtorrent ignores them; delete them when it is stopped",
    };
}
