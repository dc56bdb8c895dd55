// --clean: files under PATHS that no torrent in the session can need. The walk never
// follows a symlinked folder (a link is an entry like a file: kept when a live path
// runs through it), and the verdict on each file is Protection's, made now.

import { joinPath } from "../events/index.ts";
import { listDir } from "../watch/scan.ts";
import type { Protection } from "./protect.ts";

/** A file or symlink under PATHS: what --clean judges. */
export interface DataEntry {
  path: string;
  link: boolean;
}

/** Regular files and symlinks under `roots` that no torrent in the session can need. */
export function orphans(protection: Protection, roots: string[]): string[] {
  return judge(protection, dataEntries(roots));
}

/**
 * Every regular file and symlink under `roots`, walked without following a symlinked
 * folder. Listed before any verdict, so that Protection (the index's every path, and the
 * session now) is only gathered when there is something to judge.
 */
export function dataEntries(roots: string[]): DataEntry[] {
  const out: DataEntry[] = [];
  const stack = [...roots];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    let entries: ReturnType<typeof listDir>;
    try {
      entries = listDir(dir);
    } catch {
      continue;
    }
    for (const e of entries) {
      const path = joinPath(dir, e.name);
      if (e.type === "dir") stack.push(path);
      else if (e.type === "file" || e.type === "link") out.push({ path, link: e.type === "link" });
    }
  }
  return out;
}

/** The entries no torrent in the session can need, sorted. */
export function judge(protection: Protection, entries: DataEntry[]): string[] {
  return entries
    .filter((e) => !protection.keepReason(e.path) && !(e.link && protection.folderReason(e.path)))
    .map((e) => e.path)
    .sort();
}
