// What is on disk at a path `queue identify` was given: a single file (its name and
// size) or a directory (every regular file below it, by its path relative to the
// directory, with its size). Names are read as bytes and decoded losslessly
// (events/path.ts), so a name that is not UTF-8 is listed, never a crash or another file.
// Symbolic links to files count as the file (cross-seed tools make them); links to
// directories are not followed, so a loop cannot hold the scan.

import { lstatSync, readdirSync, statSync } from "node:fs";
import { decodePath, joinPath, lastElement, trimSlashes } from "../../events/path.ts";
import { nativeError } from "../../errors.ts";
import { fsPath } from "../../fs/path.ts";

export type Found =
  | { kind: "file"; path: string; name: string; size: number }
  | { kind: "dir"; path: string; name: string; files: Map<string, number> };

/** Scan `path`; throws a NativeError when the path itself cannot be read. */
export function scanData(path: string): Found {
  const p = trimSlashes(path);
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(fsPath(p));
  } catch (err) {
    throw nativeError("stat", err as NodeJS.ErrnoException, p);
  }
  if (!st.isDirectory()) return { kind: "file", path: p, name: lastElement(p), size: st.size };
  const files = new Map<string, number>();
  walk(p, "", files);
  return { kind: "dir", path: p, name: lastElement(p), files };
}

// --- internal ---

function walk(dir: string, rel: string, out: Map<string, number>): void {
  let names: Buffer[];
  try {
    names = readdirSync(fsPath(dir), { encoding: "buffer" }) as Buffer[];
  } catch (err) {
    throw nativeError("opendir", err as NodeJS.ErrnoException, dir);
  }
  for (const raw of names) {
    const name = decodePath(raw);
    const path = joinPath(dir, name);
    const relPath = rel ? `${rel}/${name}` : name;
    let st = lstatSync(fsPath(path));
    if (st.isSymbolicLink()) {
      try {
        st = statSync(fsPath(path));
      } catch {
        continue; // a dangling link is no file of the torrent's
      }
      if (st.isDirectory()) continue;
    }
    if (st.isDirectory()) walk(path, relPath, out);
    else if (st.isFile()) out.set(relPath, st.size);
  }
}
