// --clean: files under PATHS that no torrent in the session can need. The walk never
// follows a symlinked folder (a link is an entry like a file: kept when a live path
// runs through it), and the verdict on each file is Protection's, made now.

import { joinPath } from "../events/index.ts";
import { listDir } from "../watch/scan.ts";
import type { Protection } from "./protect.ts";

/** Regular files and symlinks under `roots` that no torrent in the session can need. */
export function orphans(protection: Protection, roots: string[]): string[] {
  const out: string[] = [];
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
      else if (
        (e.type === "file" || e.type === "link") &&
        !protection.keepReason(path) &&
        !(e.type === "link" && protection.folderReason(path))
      )
        out.push(path);
    }
  }
  return out.sort();
}
