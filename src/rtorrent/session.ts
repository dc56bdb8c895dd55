// Reading one torrent's session files: `<HASH>.torrent` (the metainfo), its
// `.torrent.rtorrent` (rtorrent's state: directory, complete, custom fields) and
// `.torrent.libtorrent_resume`. Data paths are formed exactly as rtorrent does
// (reference/rtorrent-session.md §2.8): a single-file torrent lives at
// `directory/<info.name>`, a multi-file one at `directory/<path…>` (its `directory`
// already ends in the torrent's name). Pure reading: nothing is written.

import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, resolve } from "node:path";
import { decodePath, encodePath, joinPath, trimSlashes } from "../events/index.ts";
import { fsPath } from "../watch/scan.ts";
import { BencodeError, bdecode, int, isDict, str, type BDict, type BValue } from "./bdecode.ts";

/** The only names rtorrent loads (`is_correct_format`). */
export const SESSION_TORRENT = /^([0-9A-F]{40})\.torrent$/;
/** Any session file of a hash, including the `.new` of the write protocol. */
export const SESSION_FILE = /^([0-9A-F]{40})\.(torrent(?:\.rtorrent|\.libtorrent_resume|\.meta)?|complete)(\.new)?$/;

export interface DataFile {
  /** Absolute, lossless (see events/path.ts). */
  path: string;
  size: number;
}

export interface SessionTorrent {
  hash: string;
  name: string;
  tracker: string;
  /** `directory` as rtorrent stored it (may hold `~` or be relative). */
  directory: string;
  /** The directory the data paths start from, expanded and absolute. */
  base: string;
  files: DataFile[];
  size: number;
  complete: boolean;
  custom: [string, string, string, string, string];
  raw: { torrent: Uint8Array; rtorrent: Uint8Array; resume: Uint8Array | undefined };
}

export type ReadResult =
  | { kind: "ok"; torrent: SessionTorrent }
  /** No `<HASH>.torrent`: the torrent is not (or no longer) in the session. */
  | { kind: "absent" }
  /** `.torrent` is there but not yet its `.rtorrent` (rtorrent ≥0.16.6 writes `.torrent` first). */
  | { kind: "partial"; missing: string }
  /** Unreadable or refused: corrupt bencode, a hash mismatch, a hostile path. */
  | { kind: "bad"; reason: string };

export function readSession(sessionDir: string, hash: string): ReadResult {
  const base = joinPath(sessionDir, `${hash}.torrent`);
  const torrent = readIfThere(base);
  if (!torrent) return { kind: "absent" };
  const rtorrent = readIfThere(`${base}.rtorrent`);
  if (!rtorrent) return { kind: "partial", missing: `${hash}.torrent.rtorrent` };
  try {
    return { kind: "ok", torrent: parse(hash, torrent, rtorrent, readIfThere(`${base}.libtorrent_resume`)) };
  } catch (err) {
    if (err instanceof RefusedError) return { kind: "bad", reason: err.message };
    throw err;
  }
}

/** SHA-1 of the exact `info` bytes, upper-case hex. */
export function infoHash(info: Uint8Array): string {
  return new Bun.CryptoHasher("sha1").update(info).digest("hex").toUpperCase();
}

// --- internal ---

class RefusedError extends Error {}

function parse(hash: string, torrentBytes: Uint8Array, rtorrentBytes: Uint8Array, resume: Uint8Array | undefined): SessionTorrent {
  const meta = decode(`${hash}.torrent`, torrentBytes);
  if (!isDict(meta.value) || !meta.info || !isDict(meta.value.info)) throw new RefusedError(`${hash}.torrent: no info dictionary`);
  const actual = infoHash(torrentBytes.subarray(meta.info[0], meta.info[1]));
  if (actual !== hash) throw new RefusedError(`${hash}.torrent: its info hashes to ${actual}, not to its name`);
  const state = decode(`${hash}.torrent.rtorrent`, rtorrentBytes).value;
  if (!isDict(state)) throw new RefusedError(`${hash}.torrent.rtorrent: not a dictionary`);
  const info = meta.value.info;
  const name = element(info["name.utf-8"] ?? info.name, "name");
  const directory = str(state.directory) ?? "";
  const dataBase = expand(directory);
  const files = dataFiles(info, name, dataBase);
  return {
    hash,
    name,
    tracker: trackerOf(meta.value),
    directory,
    base: dataBase,
    files,
    size: files.reduce((n, f) => n + f.size, 0),
    complete: int(state.complete) === 1,
    custom: [1, 2, 3, 4, 5].map((i) => str(state[`custom${i}`]) ?? "") as SessionTorrent["custom"],
    raw: { torrent: torrentBytes, rtorrent: rtorrentBytes, resume },
  };
}

function decode(file: string, bytes: Uint8Array): ReturnType<typeof bdecode> {
  try {
    return bdecode(bytes);
  } catch (err) {
    if (err instanceof BencodeError) throw new RefusedError(`${file}: ${err.message}`);
    throw err;
  }
}

function dataFiles(info: BDict, name: string, base: string): DataFile[] {
  if (!Array.isArray(info.files)) return [{ path: joinPath(base, name), size: int(info.length) ?? 0 }];
  const out: DataFile[] = [];
  for (const f of info.files) {
    if (!isDict(f)) throw new RefusedError("a files entry is not a dictionary");
    if (f.attr instanceof Uint8Array && str(f.attr)!.includes("p")) continue; // BEP 47 padding: never on disk
    const parts = f["path.utf-8"] ?? f.path;
    if (!Array.isArray(parts) || parts.length === 0) throw new RefusedError("a file without a path");
    out.push({ path: parts.reduce<string>((p, e) => joinPath(p, element(e, "path")), base), size: int(f.length) ?? 0 });
  }
  return out;
}

/** One path element, refused as libtorrent refuses it: empty, ".", "..", "/" or NUL. */
function element(v: BValue | undefined, what: string): string {
  if (!(v instanceof Uint8Array)) throw new RefusedError(`${what}: not a string`);
  const text = decodePath(v);
  if (text === "" || text === "." || text === ".." || v.includes(0x2f) || v.includes(0)) {
    throw new RefusedError(`${what} element ${JSON.stringify(text)} is refused (empty, '.', '..', '/' or NUL)`);
  }
  return text;
}

function trackerOf(meta: BDict): string {
  const list = meta["announce-list"];
  const first = Array.isArray(list) && Array.isArray(list[0]) ? list[0][0] : undefined;
  const url = str(meta.announce) ?? str(first);
  if (!url) return "No Tracker";
  try {
    return new URL(url).hostname || url;
  } catch {
    return url;
  }
}

/** `~` and relative directories, as rtorrent (started from $HOME) would see them. */
function expand(directory: string): string {
  const home = process.env.HOME ?? homedir();
  if (directory === "~") return home;
  if (directory.startsWith("~/")) return joinPath(home, directory.slice(2));
  if (isAbsolute(directory)) return trimSlashes(directory);
  return decodePath(encodePath(resolve(home, directory)));
}

function readIfThere(path: string): Uint8Array | undefined {
  try {
    return readFileSync(fsPath(path) as string);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw err;
  }
}
