// TreeWalker: watching a directory tree, one directory at a time: watch a directory,
// then list it, then descend. Used for a root when it is added ("quiet": nothing is
// reported), for a directory that appears ("new": what the listing finds is reported as
// synthetic events, de-duplicated by the ledger), and after an overflow ("rescan":
// everything is reported again and watches of vanished directories are dropped).
// It never calls the kernel itself: the watcher passes `addWatch`.

import { WatchLimitError } from "../errors.ts";
import { fsEvent, joinPath, type EventName, type FsEvent } from "../events/index.ts";
import { isExcluded, type PathFilter } from "./filter.ts";
import type { SyntheticLedger } from "./ledger.ts";
import { readLimit } from "./limits.ts";
import { listDir } from "./scan.ts";
import type { DirNode, WatchTree } from "./tree.ts";
import type { WatchProblem } from "./watcher.ts";

export type ScanMode = "quiet" | "new" | "rescan";

/** One watched root and its options. */
export interface WatchRoot {
  path: string;
  recursive: boolean;
  /** Watch directories that appear later (recursive only). */
  autoAdd: boolean;
  events: Set<EventName>;
  filter: PathFilter;
  node?: DirNode<WatchRoot>;
  gone: boolean;
}

export interface WalkerHost {
  tree: WatchTree<WatchRoot>;
  ledger: SyntheticLedger<WatchRoot>;
  /** Watch one directory (never following a symlink): its wd, or the errno name. */
  addWatch(path: string, root: WatchRoot): number | string;
  /** Drop the watches of a node and everything below it. */
  unwatch(node: DirNode<WatchRoot>): void;
  emit(root: WatchRoot, event: FsEvent): void;
  problem(p: WatchProblem): void;
}

export class TreeWalker {
  /** Directories left unwatched (what lies below them is never listed, so not counted). */
  degraded = 0;
  private limitReported = false;

  constructor(private readonly host: WalkerHost) {}

  /** Watch a directory that just appeared, then report what is already inside. */
  watchNew(parent: DirNode<WatchRoot>, name: string, path: string, mode: ScanMode = "new"): void {
    const child = this.watchDir(parent, name, path);
    if (child) this.scan(child, mode);
  }

  /** Walk below `top`: watch directories; in "new" and "rescan" modes report entries. */
  scan(top: DirNode<WatchRoot>, mode: ScanMode): void {
    const { tree } = this.host;
    const root = top.root;
    const seen = mode === "rescan" ? new Set<DirNode<WatchRoot>>([top]) : undefined;
    const stack = [top];
    while (stack.length > 0) {
      const node = stack.pop()!;
      const dirPath = tree.path(node);
      let entries;
      try {
        entries = listDir(dirPath);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? "EIO";
        if (code !== "ENOENT" && code !== "ENOTDIR") this.degrade(dirPath, code, `cannot list: ${(err as Error).message}`);
        continue;
      }
      for (const e of entries) {
        const path = joinPath(dirPath, e.name);
        if (isExcluded(root.filter, path)) continue;
        if (mode !== "quiet") this.reportFound(root, path, e.type === "dir", e.type === "file", mode === "new");
        if (e.type !== "dir" || !root.recursive) continue;
        const child = this.watchDir(node, e.name, path);
        if (!child) continue;
        seen?.add(child);
        stack.push(child);
      }
    }
    if (seen) for (const n of [...tree.nodes(top)]) if (!seen.has(n) && n.parent) this.host.unwatch(n);
  }

  // --- internal ---

  private watchDir(parent: DirNode<WatchRoot>, name: string, path: string): DirNode<WatchRoot> | undefined {
    const { tree } = this.host;
    const wd = this.host.addWatch(path, parent.root);
    if (typeof wd === "string") {
      this.failed(path, wd);
      return undefined;
    }
    const known = tree.get(wd);
    if (known) {
      if (known.parent === parent && known.name === name) return known;
      if (tree.path(known) === path || known.parent === undefined) return undefined; // same inode seen twice
      tree.move(known, parent, name); // a rename we saw only half of
      return known;
    }
    const old = parent.children.get(name);
    if (old) tree.detach(old);
    return tree.addChild(wd, parent, name);
  }

  private reportFound(root: WatchRoot, path: string, dir: boolean, file: boolean, dedup: boolean): void {
    if (root.events.has("IN_CREATE")) {
      if (dedup) this.host.ledger.recordCreate(path);
      this.host.emit(root, fsEvent("IN_CREATE", path, dir, root.path, { synthetic: true }));
    }
    if (!file || !root.events.has("IN_CLOSE_WRITE")) return;
    if (dedup) this.host.ledger.recordWrite(path, root); // reported when the queue has drained
    else this.host.emit(root, fsEvent("IN_CLOSE_WRITE", path, false, root.path, { synthetic: true }));
  }

  private failed(path: string, code: string): void {
    if (code === "ENOENT" || code === "ENOTDIR") return; // gone again, or a symlink: nothing to watch
    if (code !== "ENOSPC") return this.degrade(path, code, `not watched: ${code}`);
    this.degraded++;
    if (this.limitReported) return;
    this.limitReported = true;
    const e = new WatchLimitError("max_user_watches", readLimit("max_user_watches"), path);
    this.host.problem({ kind: "degraded", path, code, message: `${e.message}; directories from here on are not watched. Hint: ${e.hint}` });
  }

  private degrade(path: string, code: string, message: string): void {
    this.degraded++;
    this.host.problem({ kind: "degraded", path, code, message });
  }
}
