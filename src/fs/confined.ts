// Acting on a path only where the user allowed it, decided at the moment of acting.
//
// A path's text says little about where it leads: "DATA/../outside", a directory that is
// a symlink to another disk, or one swapped for a symlink after it was checked. So every
// destructive step here
//   1. resolves the entry's folder now (realpath: no "..", every symlink followed),
//   2. checks that the resolved entry lies strictly inside one of the allowed roots
//      (themselves resolved now),
//   3. opens that folder without following a symlink and checks, through the kernel's own
//      name for the open directory (/proc/self/fd/N), that it is the folder just checked,
//   4. acts relative to the open folder ("/proc/self/fd/N/name" is unlinkat(N, name)), so
//      a folder renamed or swapped meanwhile cannot redirect the act elsewhere.
// The last component is never followed: unlinking a symlink removes the link itself.

import {
  closeSync,
  rmSync,
  constants as C,
  lstatSync,
  mkdirSync,
  openSync,
  readlinkSync,
  realpathSync,
  rmdirSync,
  unlinkSync,
} from "node:fs";
import { decodePath, joinPath, lastElement, parentPath } from "../events/path.ts";
import { moveEntry } from "./move.ts";
import { fsPath } from "./path.ts";

const O_CLOEXEC = 0o2000000; // not in Bun's fs.constants

export type Acted = { ok: true; real: string } | { ok: false; reason: string };

/** `path` is `dir` or below it, compared by whole path elements. */
export function within(path: string, dir: string): boolean {
  if (dir === "/") return path.startsWith("/");
  return path === dir || path.startsWith(dir.endsWith("/") ? dir : `${dir}/`);
}

/** The path with every symlink and ".." resolved now (lossless), or undefined if it does not resolve. */
export function resolved(path: string): string | undefined {
  try {
    return decodePath(realpathSync(fsPath(path), { encoding: "buffer" }) as unknown as Buffer);
  } catch {
    return undefined;
  }
}

/** Where the entry `path` resolves to now: its folder resolved, plus its own name (not followed). */
export function resolvedEntry(path: string): string | undefined {
  const dir = resolved(parentPath(path));
  return dir === undefined ? undefined : joinPath(dir, lastElement(path));
}

/**
 * Every symlink met while resolving `path` (its folders' and its own), in the form the
 * resolution reached it: "/data/link" for "/data/link/f" when /data/link is a link.
 * Removing any of them would break the path. At most 40 links (the kernel's limit).
 */
export function linksOnPath(path: string): string[] {
  const links: string[] = [];
  const todo = path.split("/");
  let at = "/";
  while (todo.length > 0 && links.length <= 40) {
    const c = todo.shift()!;
    if (c === "" || c === ".") continue;
    if (c === "..") {
      at = parentPath(at);
      continue;
    }
    const p = joinPath(at, c);
    let target: string | undefined;
    try {
      if (lstatSync(fsPath(p)).isSymbolicLink())
        target = decodePath(readlinkSync(fsPath(p), { encoding: "buffer" }) as unknown as Buffer);
    } catch {
      // missing: the rest of the path is only text
    }
    if (target === undefined) {
      at = p;
      continue;
    }
    links.push(p);
    todo.unshift(...target.split("/"));
    if (target.startsWith("/")) at = "/";
  }
  return links;
}

/** Remove a file or symlink (never a directory) if it resolves strictly inside `roots`. */
export function unlinkWithin(path: string, roots: readonly string[]): Acted {
  return inParent(path, roots, (at) => {
    if (lstatSync(fsPath(at)).isDirectory()) throw new Refused("a directory, not a file");
    unlinkSync(fsPath(at));
  });
}

/** Remove an empty directory if it resolves strictly inside `roots`. */
export function rmdirWithin(path: string, roots: readonly string[]): Acted {
  return inParent(path, roots, (at) => rmdirSync(fsPath(at)));
}

/**
 * Remove a file, a symlink, or a directory with everything below it (never following a
 * symlink inside it), if it resolves strictly inside `roots`. Gone already is done.
 */
export function removeWithin(path: string, roots: readonly string[]): Acted {
  return inParent(path, roots, (at) => rmSync(fsPath(at), { recursive: true, force: true }));
}

/** Move a file or symlink to `to` (its folders made as needed), copying across filesystems (fs/move.ts). */
export function moveWithin(path: string, to: string, roots: readonly string[]): Acted {
  return inParent(path, roots, (at) => {
    if (lstatSync(fsPath(at)).isDirectory()) throw new Refused("a directory, not a file");
    mkdirSync(fsPath(parentPath(to)), { recursive: true });
    moveEntry(at, to, { overwrite: false });
  });
}

// --- internal ---

class Refused extends Error {}

function inParent(path: string, roots: readonly string[], act: (at: string) => void): Acted {
  const folder = resolved(parentPath(path));
  if (folder === undefined) return { ok: false, reason: "its folder does not resolve (gone, or not a directory)" };
  const real = joinPath(folder, lastElement(path));
  const allowed = roots.map(resolved).filter((r): r is string => r !== undefined);
  if (!allowed.some((r) => real !== r && within(real, r))) {
    return {
      ok: false,
      reason:
        `it resolves to ${JSON.stringify(real)}, ` +
        `outside ${allowed.map((r) => JSON.stringify(r)).join(", ") || "every allowed root"}`,
    };
  }
  let fd: number;
  try {
    fd = openSync(fsPath(folder), C.O_RDONLY | C.O_DIRECTORY | C.O_NOFOLLOW | O_CLOEXEC);
  } catch (err) {
    return { ok: false, reason: `its folder changed while acting (${(err as NodeJS.ErrnoException).code})` };
  }
  try {
    const opened = decodePath(readlinkSync(`/proc/self/fd/${fd}`, { encoding: "buffer" }) as unknown as Buffer);
    if (opened !== folder)
      return { ok: false, reason: `its folder changed while acting (now ${JSON.stringify(opened)})` };
    act(`/proc/self/fd/${fd}/${lastElement(path)}`); // lossless: each act hands it to node:fs through fsPath
    return { ok: true, real };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return { ok: false, reason: err instanceof Refused ? e.message : `${e.code ?? "error"}: ${e.message}` };
  } finally {
    closeSync(fd);
  }
}
