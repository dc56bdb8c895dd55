// --clean: files under PATHS that no torrent in the index owns.

import { joinPath } from "../events/index.ts";
import { listDir } from "../watch/scan.ts";
import { identity, type SessionStore } from "./store.ts";

/** Regular files and symlinks under `roots` that no torrent owns (by path or by inode). */
export function orphans(store: SessionStore, roots: string[]): string[] {
  const out: string[] = [];
  const stack = [...roots];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    let entries;
    try {
      entries = listDir(dir);
    } catch {
      continue;
    }
    for (const e of entries) {
      const path = joinPath(dir, e.name);
      if (e.type === "dir") stack.push(path);
      else if (e.type === "file" || e.type === "link") {
        if (store.owners(path).length === 0 && !store.otherOwner("", path, identity(path))) out.push(path);
      }
    }
  }
  return out.sort();
}
