// Rows of the index as SQL returns them, and their conversion to what the store gives out.

import { decodePath, encodePath, hasEscapes } from "../events/index.ts";
import type { StoredFile, StoredTorrent } from "./store.ts";

/**
 * Text columns that may hold a path or a name (name, base, directory): plain text as the
 * original tables had it, and the exact bytes (a BLOB) when they are not UTF-8 — SQLite
 * would store such text with U+FFFD, another path.
 */
export type DbText = string | Uint8Array | null;

export function toDb(text: string): string | Uint8Array {
  return hasEscapes(text) ? encodePath(text) : text;
}

export function fromDb(v: DbText): string {
  return v === null ? "" : typeof v === "string" ? v : decodePath(v);
}

export interface Row {
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

export interface StateRow {
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

export interface FileRow {
  hash: string;
  file: Uint8Array | string;
  size: number | null;
  dev: number | null;
  ino: number | null;
}

export const SELECT_TORRENT = `SELECT t.hash, t.name, t.tracker, t.base, t.directory, t.size, t.complete,
  t.completed_at, t.complete_hook_at, t.custom1, t.custom2, t.custom3, t.custom4, t.custom5, COUNT(f.file) AS files
  FROM torrent_data t LEFT JOIN session_files f ON f.hash = t.hash`;

export function toTorrent(r: Row): StoredTorrent {
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

export function toFile(r: FileRow): StoredFile {
  const path = typeof r.file === "string" ? r.file : decodePath(r.file);
  return { hash: r.hash, path, size: r.size ?? 0, dev: r.dev, ino: r.ino };
}
