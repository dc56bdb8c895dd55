// Listing a directory without losing names. readdir with file types is fast but decodes
// names as UTF-8 and turns bad bytes into U+FFFD; when that happens (rare), the directory
// is read again as bytes and those entries are typed with lstat.

import { lstatSync, readdirSync, type Dirent } from "node:fs";
import { decodePath, hasEscapes, joinPath } from "../events/index.ts";
import { fsPath } from "../fs/path.ts";

export { fsPath };

export type EntryType = "dir" | "file" | "link" | "other";

export interface Entry {
  name: string;
  type: EntryType;
}

/** List `dir`. Throws node:fs errors (with .code) for the directory itself. */
export function listDir(dir: string): Entry[] {
  const dirents = readdirSync(fsPath(dir) as string, { withFileTypes: true }) as Dirent[];
  const out: Entry[] = [];
  let lossy = false;
  for (const d of dirents) {
    if (d.name.includes("\uFFFD")) lossy = true;
    else out.push({ name: d.name, type: typeOf(d) });
  }
  if (lossy) {
    for (const raw of readdirSync(fsPath(dir) as string, { encoding: "buffer" }) as Buffer[]) {
      const name = decodePath(raw);
      if (!hasEscapes(name) && !name.includes("\uFFFD")) continue; // already listed
      out.push({ name, type: lstatType(joinPath(dir, name)) });
    }
  }
  return out;
}

// --- internal ---

function typeOf(d: Dirent): EntryType {
  if (d.isDirectory()) return "dir";
  if (d.isFile()) return "file";
  if (d.isSymbolicLink()) return "link";
  return "other";
}

function lstatType(path: string): EntryType {
  try {
    const s = lstatSync(fsPath(path) as string);
    return s.isDirectory() ? "dir" : s.isFile() ? "file" : s.isSymbolicLink() ? "link" : "other";
  } catch {
    return "other";
  }
}
