// TreeWalker: watching a directory tree, one directory at a time: watch a directory,
// then list it, then descend. Used for a root when it is added ("quiet": nothing is
// reported), for a directory that appeared ("new": what the listing finds is reported as
// synthetic events, de-duplicated by the ledger), and after an overflow ("rescan":
// everything is reported again and watches of vanished directories are dropped).
// A directory listed but gone before its watch (renamed, or a parent renamed) stays in
// the tree unwatched and is parked (arrivals.ts): the rename's own events will say where
// it went. A directory over the watch limit is still listed, so what it holds is
// reported, but it is not followed. It never calls the kernel itself: the watcher
// passes `addWatch`.

import { WatchLimitError } from "../errors.ts";
import { fsEvent, joinPath, type EventName, type FsEvent } from "../events/index.ts";
import { isExcluded, type PathFilter } from "./filter.ts";
import type { SyntheticLedger } from "./ledger.ts";
import { readLimit } from "./limits.ts";
import { type Entry, listDir } from "./scan.ts";
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
  /** A watched directory was found moved (from `from`); `report` it as a move. */
  relocated(node: DirNode<WatchRoot>, from: string, report: boolean): void;
  emit(root: WatchRoot, event: FsEvent): void;
  problem(p: WatchProblem): void;
  /** A directory that vanished before it could be watched or listed: wait for its move. */
  park(node: DirNode<WatchRoot>): void;
}

type Node = DirNode<WatchRoot>;

/** Where a directory was placed, and whether its entries are still to be listed. */
export interface Placed {
  node: Node;
  descend: boolean;
}

export class TreeWalker {
  /** Directories left unwatched (what lies below them is listed, not counted). */
  degraded = 0;
  /** Directories listed so far: a listing after the last drain means another drain is due. */
  listings = 0;
  private limitReported = false;

  constructor(private readonly host: WalkerHost) {}

  /** Walk below `top`: watch directories; in "new" and "rescan" modes report entries. */
  scan(top: Node, mode: ScanMode): void {
    const { tree } = this.host;
    const seen = mode === "rescan" ? new Set<Node>([top]) : undefined;
    const stack = [top];
    while (stack.length > 0) {
      const node = stack.pop()!;
      const children = this.list(node, tree.path(node), mode);
      if (!children) continue;
      node.listed = true;
      for (const { node: child, descend } of children) {
        seen?.add(child);
        if (descend) stack.push(child);
      }
    }
    if (seen) for (const n of [...tree.nodes(top)]) if (!seen.has(n) && n.parent) this.host.unwatch(n);
  }

  /**
   * The directory watched as `wd` stands at parent/name now: its node there, and whether
   * its entries still have to be listed. A directory we watch elsewhere was renamed while
   * we were behind (its own events are still queued, or were lost): in "new" mode that is
   * reported as a move at once, so the paths of its queued events mean the same to
   * consumers as to us. Undefined for a root, or a directory inside itself.
   */
  adopt(parent: Node, name: string, path: string, wd: number, mode: ScanMode): Placed | undefined {
    const { tree } = this.host;
    let known = tree.get(wd);
    if (known && known.root !== parent.root) {
      // another root's consumers had it: watch it afresh for this one
      this.host.unwatch(known);
      const again = this.host.addWatch(path, parent.root);
      if (typeof again === "string") return void this.unwatchable(parent.root, path, again);
      wd = again;
      known = undefined;
    }
    if (!known) return { node: this.place(parent, name, wd), descend: true };
    if (known.parent === parent && known.name === name)
      return { node: known, descend: mode !== "new" || !known.listed };
    if (known.parent === undefined || tree.isWithin(parent, known)) return undefined;
    const from = tree.path(known);
    this.drop(parent, name);
    tree.move(known, parent, name);
    this.host.relocated(known, from, mode === "new");
    return { node: known, descend: mode !== "new" || !known.listed };
  }

  /** A directory that cannot be watched (errno `code`): count it; over the limit, report what it holds. */
  unwatchable(root: WatchRoot, path: string, code: string): void {
    this.failed(path, code);
    if (code === "ENOSPC") this.listUnwatched(root, path, "new");
  }

  // --- internal ---

  /**
   * Watch `path` as `parent`'s child `name` (never following a symlink): where it stands;
   * a parked unwatched node when it is gone already; "full" over the watch limit;
   * undefined when it cannot be watched at all.
   */
  private watchDir(parent: Node, name: string, path: string, mode: ScanMode): Placed | "full" | undefined {
    const wd = this.host.addWatch(path, parent.root);
    if (typeof wd === "number") return this.adopt(parent, name, path, wd, mode);
    if (wd === "ENOENT" || wd === "ENOTDIR") {
      const node = this.place(parent, name, undefined);
      this.host.park(node);
      return { node, descend: false };
    }
    this.failed(path, wd);
    return wd === "ENOSPC" ? "full" : undefined;
  }

  /** List one directory, report its entries, watch its sub-directories. */
  private list(node: Node, dirPath: string, mode: ScanMode): Placed[] | undefined {
    const root = node.root;
    let entries: Entry[];
    this.listings++;
    try {
      entries = listDir(dirPath);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? "EIO";
      node.listed = false;
      if (code === "ENOENT" || code === "ENOTDIR") this.host.park(node);
      else this.degrade(dirPath, code, `cannot list: ${(err as Error).message}`);
      return undefined;
    }
    const children: Placed[] = [];
    for (const e of entries) {
      const path = joinPath(dirPath, e.name);
      if (isExcluded(root.filter, path)) continue;
      if (mode !== "quiet") this.reportFound(root, path, e.type === "dir", e.type === "file", mode === "new");
      if (e.type !== "dir" || !root.recursive) continue;
      const child = this.watchDir(node, e.name, path, mode);
      if (child === "full") {
        if (mode !== "quiet") this.listUnwatched(root, path, mode);
      } else if (child) children.push(child);
    }
    return children;
  }

  /** Put a new node at parent/name, dropping whatever node was there. */
  private place(parent: Node, name: string, wd: number | undefined): Node {
    this.drop(parent, name);
    return this.host.tree.addChild(wd, parent, name, false);
  }

  private drop(parent: Node, name: string): void {
    const old = parent.children.get(name);
    if (old) this.host.unwatch(old);
  }

  /** Report what lies below a directory that cannot be watched, without watching it. */
  private listUnwatched(root: WatchRoot, top: string, mode: ScanMode): void {
    const stack = [top];
    while (stack.length > 0) {
      const dir = stack.pop()!;
      let entries: Entry[];
      try {
        entries = listDir(dir);
      } catch {
        continue;
      }
      for (const e of entries) {
        const path = joinPath(dir, e.name);
        if (isExcluded(root.filter, path)) continue;
        this.reportFound(root, path, e.type === "dir", e.type === "file", mode === "new");
        if (e.type === "dir") stack.push(path);
      }
    }
  }

  private reportFound(root: WatchRoot, path: string, dir: boolean, file: boolean, dedup: boolean): void {
    if (root.events.has("IN_CREATE")) {
      if (dedup) this.host.ledger.recordCreate(path);
      this.host.emit(root, fsEvent("IN_CREATE", path, dir, root.path, { synthetic: true }));
    }
    if (!file || !root.events.has("IN_CLOSE_WRITE")) return;
    if (dedup)
      this.host.ledger.recordWrite(path, root); // reported when the queue has drained
    else this.host.emit(root, fsEvent("IN_CLOSE_WRITE", path, false, root.path, { synthetic: true }));
  }

  private failed(path: string, code: string): void {
    if (code !== "ENOSPC") return this.degrade(path, code, `not watched: ${code}`);
    this.degraded++;
    if (this.limitReported) return;
    this.limitReported = true;
    const e = new WatchLimitError("max_user_watches", readLimit("max_user_watches"), path);
    this.host.problem({
      kind: "degraded",
      path,
      code,
      message:
        `${e.message}; directories from here on are not watched ` +
        `(what they hold now is still reported). Hint: ${e.hint}`,
    });
  }

  private degrade(path: string, code: string, message: string): void {
    this.degraded++;
    this.host.problem({ kind: "degraded", path, code, message });
  }
}
