// Reading one torrent's session files: `<HASH>.torrent` (the metainfo), its
// `.torrent.rtorrent` (rtorrent's state: directory, complete, custom fields) and
// `.torrent.libtorrent_resume`. Data paths are formed exactly as rtorrent does
// (reference/rtorrent-session.md §2.8): a single-file torrent lives at
// `directory/<info.name>`, a multi-file one at `directory/<path…>` (its `directory`
// already ends in the torrent's name). Pure reading: nothing is written.
//
// Paths stay bytes: `directory`, names and path elements are decoded losslessly
// (events/path.ts), never through a decoder that turns bad bytes into U+FFFD.
// Only regular files are read, opened so that a FIFO cannot block us. What cannot be
// read is reported with a DataHint: what is still known of where its data could be,
// so that removal protects it instead of treating its data as nobody's.

import { closeSync, constants as C, fstatSync, openSync, readSync } from "node:fs";
import { homedir } from "node:os";
import { decodePath, joinPath, trimSlashes } from "../events/index.ts";
import { fsPath } from "../fs/path.ts";
import { BencodeError, bdecode, int, isDict, str, type BDict, type BValue } from "./bdecode.ts";

/** The only names rtorrent loads (`is_correct_format`). */
export const SESSION_TORRENT = /^([0-9A-F]{40})\.torrent$/;
/** Any session file of a hash, including the `.new` of the write protocol. */
export const SESSION_FILE = /^([0-9A-F]{40})\.(torrent(?:\.rtorrent|\.libtorrent_resume|\.meta)?|complete)(\.new)?$/;

/** How readEntry ends the reason for an entry that is not a regular file. */
const NOT_A_FILE = ", not a file";
/** A session file larger than this is refused, not read (the largest real .torrent files are tens of MiB). */
const MAX_SESSION_FILE = 256 * 2 ** 20;

export interface DataFile {
  /** Absolute, lossless (see events/path.ts). */
  path: string;
  size: number;
}

/** Where the data of a torrent could be, when its session files do not say exactly. */
export interface DataHint {
  /** Its data lies below this directory (a readable .rtorrent, the .torrent unreadable). */
  directory?: string;
  /** Its files end with these path tails, e.g. "/movie.mkv" (a readable .torrent, the .rtorrent not). */
  tails?: string[];
}

export interface SessionTorrent {
  hash: string;
  name: string;
  tracker: string;
  /** `directory` as rtorrent stored it (may hold `~` or be relative), lossless. */
  directory: string;
  /** The directory the data paths start from, expanded and absolute. */
  base: string;
  files: DataFile[];
  /**
   * The same files as another name encoding would place them (`name` against
   * `name.utf-8`, `path` against `path.utf-8`): which one rtorrent uses depends on its
   * `encoding.add` setting, so these are protected too, never deleted.
   */
  alternates: string[];
  /** Set when `directory` is relative: rtorrent's working directory is unknown. */
  uncertain?: DataHint;
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
  | { kind: "partial"; missing: string; hint: DataHint }
  /**
   * Unreadable or refused: no permission, corrupt, a hash mismatch, a hostile path.
   * `loadable` is false when `<HASH>.torrent` is not a regular file (a directory, a FIFO):
   * rtorrent does not load such an entry, so it is no torrent of this session.
   */
  | { kind: "bad"; reason: string; hint: DataHint; loadable: boolean };

export function readSession(sessionDir: string, hash: string): ReadResult {
  const base = joinPath(sessionDir, `${hash}.torrent`);
  const torrent = readEntry(base);
  if (torrent === undefined) return { kind: "absent" };
  const rtorrent = readEntry(`${base}.rtorrent`);
  if (typeof torrent === "string")
    return {
      kind: "bad",
      reason: `${hash}.torrent: ${torrent}`,
      hint: stateHint(rtorrent),
      loadable: !torrent.endsWith(NOT_A_FILE),
    };
  const meta = attempt(() => parseMeta(hash, torrent));
  if (typeof meta === "string") return { kind: "bad", reason: meta, hint: stateHint(rtorrent), loadable: true };
  if (rtorrent === undefined)
    return { kind: "partial", missing: `${hash}.torrent.rtorrent`, hint: { tails: tails(meta) } };
  if (typeof rtorrent === "string")
    return {
      kind: "bad",
      reason: `${hash}.torrent.rtorrent: ${rtorrent}`,
      hint: { tails: tails(meta) },
      loadable: true,
    };
  const state = attempt(() => parseState(hash, rtorrent));
  if (typeof state === "string") return { kind: "bad", reason: state, hint: { tails: tails(meta) }, loadable: true };
  const resume = readEntry(`${base}.libtorrent_resume`);
  const raw = { torrent, rtorrent, resume: resume instanceof Uint8Array ? resume : undefined };
  return { kind: "ok", torrent: assemble(hash, meta, state, raw) };
}

/** SHA-1 of the exact `info` bytes, upper-case hex. */
export function infoHash(info: Uint8Array): string {
  return new Bun.CryptoHasher("sha1").update(info).digest("hex").toUpperCase();
}

/**
 * A session file's bytes: undefined when there is none, a reason (string) when the entry
 * is not a regular file or cannot be read. Opened non-blocking (a FIFO returns at once)
 * and checked with fstat before a byte is read.
 */
export function readEntry(path: string): Uint8Array | string | undefined {
  let fd: number;
  try {
    fd = openSync(fsPath(path), C.O_RDONLY | C.O_NONBLOCK | C.O_NOCTTY);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    return code === "EACCES" || code === "EPERM" ? "permission denied" : `cannot be opened (${code})`;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile())
      return `is ${
        st.isDirectory() ? "a directory" : st.isFIFO() ? "a FIFO" : st.isSocket() ? "a socket" : "a device"
      }${NOT_A_FILE}`;
    if (st.size > MAX_SESSION_FILE) return `is ${st.size} bytes, too large for a session file`;
    const buf = new Uint8Array(st.size);
    let n = 0;
    while (n < buf.length) {
      const got = readSync(fd, buf, n, buf.length - n, n);
      if (got === 0) break;
      n += got;
    }
    return n === buf.length ? buf : buf.subarray(0, n);
  } catch (err) {
    return `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  } finally {
    closeSync(fd);
  }
}

// --- internal ---

class RefusedError extends Error {}

interface Meta {
  name: string;
  tracker: string;
  multi: boolean;
  /** Per file (single-file: one), each variant's path elements; the first is the one used. */
  layouts: { variants: string[][]; size: number }[];
}

interface State {
  directory: string;
  complete: boolean;
  custom: SessionTorrent["custom"];
}

function attempt<T>(fn: () => T): T | string {
  try {
    return fn();
  } catch (err) {
    if (err instanceof RefusedError) return err.message;
    throw err;
  }
}

function parseMeta(hash: string, bytes: Uint8Array): Meta {
  const meta = decode(`${hash}.torrent`, bytes);
  if (!isDict(meta.value) || !meta.info || !isDict(meta.value.info))
    throw new RefusedError(`${hash}.torrent: no info dictionary`);
  const actual = infoHash(bytes.subarray(meta.info[0], meta.info[1]));
  if (actual !== hash) throw new RefusedError(`${hash}.torrent: its info hashes to ${actual}, not to its name`);
  const info = meta.value.info;
  const found = variants(info, "name").map((v) => element(v, "name"));
  const names = found.length > 1 ? unique(found, (n) => n) : found;
  if (names.length === 0) throw new RefusedError(`${hash}.torrent: name: not a string`);
  const tracker = trackerOf(meta.value);
  if (!Array.isArray(info.files))
    return {
      name: names[0]!,
      tracker,
      multi: false,
      layouts: [{ variants: names.map((n) => [n]), size: int(info.length) ?? 0 }],
    };
  const layouts: Meta["layouts"] = [];
  for (const f of info.files) {
    if (!isDict(f)) throw new RefusedError(`${hash}.torrent: a files entry is not a dictionary`);
    if (f.attr instanceof Uint8Array && str(f.attr)!.includes("p")) continue; // BEP 47 padding: never on disk
    const found = variants(f, "path").map((parts) => {
      if (!Array.isArray(parts) || parts.length === 0) throw new RefusedError(`${hash}.torrent: a file without a path`);
      return parts.map((e) => element(e, "path"));
    });
    const paths = found.length > 1 ? unique(found, (p) => p.join("/")) : found;
    if (paths.length === 0) throw new RefusedError(`${hash}.torrent: a file without a path`);
    layouts.push({ variants: paths, size: int(f.length) ?? 0 });
  }
  return { name: names[0]!, tracker, multi: true, layouts };
}

function parseState(hash: string, bytes: Uint8Array): State {
  const state = decode(`${hash}.torrent.rtorrent`, bytes).value;
  if (!isDict(state)) throw new RefusedError(`${hash}.torrent.rtorrent: not a dictionary`);
  const directory = state.directory instanceof Uint8Array ? decodePath(state.directory) : "";
  return {
    directory,
    complete: int(state.complete) === 1,
    custom: [1, 2, 3, 4, 5].map((i) => str(state[`custom${i}`]) ?? "") as SessionTorrent["custom"],
  };
}

function assemble(hash: string, meta: Meta, state: State, raw: SessionTorrent["raw"]): SessionTorrent {
  const base = expand(state.directory);
  const place = (elements: string[]) => elements.reduce<string>((p, e) => joinPath(p, e), base);
  const files = meta.layouts.map((l) => ({ path: place(l.variants[0]!), size: l.size }));
  const alternates: string[] = [];
  for (const l of meta.layouts) for (const v of l.variants.slice(1)) alternates.push(place(v));
  const relative = !state.directory.startsWith("/") && state.directory !== "~" && !state.directory.startsWith("~/");
  return {
    hash,
    name: meta.name,
    tracker: meta.tracker,
    directory: state.directory,
    base,
    files,
    alternates,
    ...(relative ? { uncertain: { tails: tails(meta) } } : {}),
    size: files.reduce((n, f) => n + f.size, 0),
    complete: state.complete,
    custom: state.custom,
    raw,
  };
}

/** A readable .rtorrent's directory, for a torrent whose .torrent cannot be read. */
function stateHint(rtorrent: Uint8Array | string | undefined): DataHint {
  if (!(rtorrent instanceof Uint8Array)) return {};
  const state = attempt(() => parseState("", rtorrent));
  return typeof state === "string" || state.directory === "" ? {} : { directory: expand(state.directory) };
}

/** The path tails of every variant: "/name" for a single file, "/a/b" for a multi-file entry. */
function tails(meta: Meta): string[] {
  return [...new Set(meta.layouts.flatMap((l) => l.variants.map((v) => `/${v.join("/")}`)))];
}

/**
 * `key` and every `key.<encoding>` of a dict: the UTF-8 one first, as rtorrent with
 * `encoding.add = UTF-8` picks it.
 */
function variants(d: BDict, key: string): BValue[] {
  let others: string[] | undefined;
  // rare: most torrents have only `key`
  for (const k in d) if (k !== key && k.startsWith(`${key}.`)) (others ??= []).push(k);
  const plain = d[key] === undefined ? [] : [d[key]!];
  if (!others) return plain;
  return [
    ...others.filter((k) => k.toLowerCase() === `${key}.utf-8`),
    key,
    ...others.filter((k) => k.toLowerCase() !== `${key}.utf-8`),
  ].flatMap((k) => (d[k] === undefined ? [] : [d[k]!]));
}

function unique<T>(items: T[], id: (t: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((t) => !seen.has(id(t)) && !!seen.add(id(t)));
}

function decode(file: string, bytes: Uint8Array): ReturnType<typeof bdecode> {
  try {
    return bdecode(bytes);
  } catch (err) {
    if (err instanceof BencodeError) throw new RefusedError(`${file}: ${err.message}`);
    throw err;
  }
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
  if (directory.startsWith("/")) return trimSlashes(directory);
  return trimSlashes(joinPath(home, directory)); // resolved (".." and links) when acted on
}
