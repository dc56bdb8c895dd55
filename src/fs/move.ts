// Copying and moving files and folders by their exact bytes. Paths are lossless strings
// (events/path.ts): each goes to node:fs through fsPath(), and names read from a folder
// come back through decodePath(), so a name that is not UTF-8 is copied as itself.
// (node:fs's cpSync takes no Buffer paths, and node:path's join would turn the escapes
// into U+FFFD: another file.) Used by FileManagerRule (rules/files.ts) and by the trash
// of the rtorrent remover (fs/confined.ts).

import {
  chmodSync,
  constants as C,
  copyFileSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  type Stats,
} from "node:fs";
import { decodePath, joinPath } from "../events/path.ts";
import { fsPath } from "./path.ts";

export interface CopyOptions {
  /** Replace what is at the destination (a folder is merged into, never replaced by a file). */
  overwrite: boolean;
}

/**
 * Copy a file, a symlink (the link itself, its target text unchanged) or a folder with
 * everything below it, keeping modes and timestamps. Without `overwrite`, a destination
 * that exists is an EEXIST error.
 */
export function copyEntry(from: string, to: string, o: CopyOptions): void {
  const st = lstatSync(fsPath(from));
  if (st.isDirectory()) return copyFolder(from, to, st, o);
  const there = lstatSync(fsPath(to), { throwIfNoEntry: false });
  if (there) {
    if (!o.overwrite) throw fsError("EEXIST", "file already exists", "copy", to);
    if (there.isDirectory()) throw fsError("EISDIR", "a folder cannot be replaced by a file", "copy", to);
    unlinkSync(fsPath(to)); // never write through a symlink that stands there
  }
  if (st.isSymbolicLink()) symlinkSync(readlinkSync(fsPath(from), { encoding: "buffer" }), fsPath(to));
  else if (st.isFile()) {
    copyFileSync(fsPath(from), fsPath(to), C.COPYFILE_EXCL); // the mode comes along
    utimesSync(fsPath(to), st.atime, st.mtime);
  } else throw fsError("EINVAL", "not a file, a folder or a symlink", "copy", from);
}

/**
 * Rename `from` to `to`; across filesystems (EXDEV), copy (copyEntry) and then remove the
 * source. `overwrite` governs the copy; rename(2) itself replaces a file, so callers that
 * must not replace check first.
 */
export function moveEntry(from: string, to: string, o: CopyOptions): void {
  try {
    renameSync(fsPath(from), fsPath(to));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EXDEV") throw err;
    copyEntry(from, to, o);
    rmSync(fsPath(from), { recursive: true, force: true });
  }
}

// --- internal ---

function copyFolder(from: string, to: string, st: Stats, o: CopyOptions): void {
  const there = lstatSync(fsPath(to), { throwIfNoEntry: false });
  if (there && !there.isDirectory()) {
    if (!o.overwrite) throw fsError("EEXIST", "file already exists", "copy", to);
    throw fsError("ENOTDIR", "a file cannot be replaced by a folder", "copy", to);
  }
  if (!there) mkdirSync(fsPath(to), { mode: 0o700 }); // opened up below, once filled
  for (const name of readdirSync(fsPath(from), { encoding: "buffer" })) {
    const n = decodePath(name as unknown as Buffer);
    copyEntry(joinPath(from, n), joinPath(to, n), o);
  }
  if (!there) {
    chmodSync(fsPath(to), st.mode & 0o7777);
    utimesSync(fsPath(to), st.atime, st.mtime);
  }
}

function fsError(code: string, text: string, syscall: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${text}, ${syscall} '${path}'`), { code, syscall, path });
}
