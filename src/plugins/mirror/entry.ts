// One entry of a local mirror: whether the copy is up to date (rsync's quick check: type,
// size, mtime; a symlink's target), and making it so without a reader ever seeing half
// of it: a file or symlink is written under a temporary name beside its target, given its
// mode, owner and times, then renamed into place. Paths are lossless strings (events/path.ts).

import {
  chmodSync,
  constants as C,
  copyFileSync,
  lchownSync,
  lutimesSync,
  readlinkSync,
  renameSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  type Stats,
} from "node:fs";
import { joinPath, lastElement, parentPath } from "../../events/index.ts";
import { fsPath } from "../../fs/path.ts";

/** Part of the temporary names a mirror writes beside its targets. */
export const TEMP_MARK = ".sw~";

export type Kind = "dir" | "file" | "link" | "other";

export function kindOf(st: Stats): Kind {
  return st.isDirectory() ? "dir" : st.isFile() ? "file" : st.isSymbolicLink() ? "link" : "other";
}

/** rsync's quick check: the same kind, size and modification time (and a symlink's target). */
export function upToDate(src: Stats, dst: Stats | undefined, srcPath: string, dstPath: string): boolean {
  if (!dst || kindOf(src) !== kindOf(dst)) return false;
  if (src.isDirectory()) return true;
  if (src.isSymbolicLink()) return linkText(srcPath) === linkText(dstPath) && sameTime(src.mtimeMs, dst.mtimeMs);
  return src.size === dst.size && sameTime(src.mtimeMs, dst.mtimeMs);
}

/** Times as set here (to the microsecond), or as a filesystem that keeps whole seconds has them. */
export function sameTime(srcMs: number, dstMs: number): boolean {
  if (Math.abs(srcMs - dstMs) < 0.002) return true;
  return Math.floor(srcMs / 1000) === Math.floor(dstMs / 1000) && dstMs % 1000 === 0;
}

/** Mode, owner (when asked) and times of `dstPath` as `src`'s; for a directory, after its entries. */
export function copyMeta(src: Stats, dst: Stats | undefined, dstPath: string, owner: boolean): void {
  const p = fsPath(dstPath);
  if (src.isSymbolicLink()) {
    if (owner && (dst?.uid !== src.uid || dst?.gid !== src.gid)) lchownSync(p, src.uid, src.gid);
    if (!dst || !sameTime(src.mtimeMs, dst.mtimeMs)) lutimesSync(p, seconds(src.atimeMs), seconds(src.mtimeMs));
    return;
  }
  if (owner && (dst?.uid !== src.uid || dst?.gid !== src.gid)) lchownSync(p, src.uid, src.gid);
  if (!dst || (dst.mode & 0o7777) !== (src.mode & 0o7777)) chmodSync(p, src.mode & 0o7777);
  if (!dst || !sameTime(src.mtimeMs, dst.mtimeMs)) utimesSync(p, seconds(src.atimeMs), seconds(src.mtimeMs));
}

/** Write `dstPath` as a copy of the file or symlink `srcPath` (`src` its lstat), atomically. */
export function replaceWith(srcPath: string, src: Stats, dstPath: string, owner: boolean): void {
  const tmp = tempBeside(dstPath);
  try {
    if (src.isSymbolicLink()) symlinkSync(readlinkSync(fsPath(srcPath), { encoding: "buffer" }), fsPath(tmp));
    else copyFileSync(fsPath(srcPath), fsPath(tmp), C.COPYFILE_EXCL);
    copyMeta(src, undefined, tmp, owner);
    renameSync(fsPath(tmp), fsPath(dstPath));
  } catch (err) {
    try {
      unlinkSync(fsPath(tmp));
    } catch {
      // not made
    }
    throw err;
  }
}

/** A temporary name in the target's folder (short enough for any name). */
export function tempBeside(path: string): string {
  const name = lastElement(path);
  const tag = `${TEMP_MARK}${process.pid.toString(36)}${(++tempSeq).toString(36)}`;
  return joinPath(parentPath(path), name.length > 200 ? tag : `.${name}${tag}`);
}

/** Seconds for utimes, truncated to the microsecond: never rounded into the next second. */
export function seconds(ms: number): number {
  return Math.floor(ms * 1000) / 1e6;
}

// --- internal ---

let tempSeq = 0;

function linkText(path: string): string {
  try {
    return readlinkSync(fsPath(path), { encoding: "buffer" }).toString("latin1");
  } catch {
    return "\0unreadable";
  }
}
