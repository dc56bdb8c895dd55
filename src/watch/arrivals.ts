// Arrivals: directories that arrived by an event (IN_CREATE, a move in, a rename of a
// directory we never watched) and are not watched and listed yet, and watched ones that
// an event moved, whose new place the kernel has not confirmed.
//
// Events describe the past; a watch and a listing see the present. When the watcher is
// behind (a loaded machine, a stopped process), the directory an old IN_CREATE named may
// since have been renamed, and another may stand at its name. So a pending directory
// follows the events (renames move it in the tree like any node) and is only resolved
// when no queued record can still move it or a directory above it (RecordQueue.changes):
// its path in the tree is then its path on disk. Resolving asks the kernel for the watch
// of what is there now; inotify_add_watch gives one inode the same wd every time, so:
// - the node's own wd: confirmed (a rename: nothing is reported again);
// - a wd we never saw: a directory nobody listed: watch it and report what it holds;
// - the wd of another node: that directory was renamed here and its events are still
//   queued (or were lost): it is moved here and reported as moved (TreeWalker.adopt);
// - ENOENT: gone again; parked until a rename above it, or of it, sends it back.

import type { RecordQueue } from "./queue.ts";
import type { DirNode, WatchTree } from "./tree.ts";
import type { TreeWalker, WatchRoot } from "./walker.ts";

type Node = DirNode<WatchRoot>;

export interface ArrivalsHost {
  tree: WatchTree<WatchRoot>;
  walker: TreeWalker;
  addWatch(path: string, root: WatchRoot): number | string;
  unwatch(node: Node): void;
}

export class Arrivals {
  private readonly ready = new Set<Node>();
  private readonly parked = new Set<Node>();
  /** Nodes waiting for the queued records that change a name above them (by that name's key). */
  private readonly blocked = new Map<string, Set<Node>>();

  constructor(private readonly host: ArrivalsHost) {}

  /** Something is ready to resolve. */
  get due(): boolean {
    return this.ready.size > 0;
  }

  /** The queue handled the last record changing `key`: what waited for it is ready. */
  readonly settled = (key: string): void => {
    const nodes = this.blocked.get(key);
    if (!nodes) return;
    this.blocked.delete(key);
    for (const n of nodes) this.ready.add(n);
  };

  /**
   * A directory arrived at parent/name: created (a node already there is what a listing
   * found first: the kernel confirms it), or moved in (a node there is an empty directory
   * it replaced, whose watch the kernel ends; or, if it was what a listing found first,
   * its wd is found again when the new node is resolved).
   */
  arrive(parent: Node, name: string, how: "created" | "moved"): void {
    const here = parent.children.get(name);
    if (here && how === "created") {
      this.parked.delete(here);
      this.ready.add(here);
      return;
    }
    if (here) this.host.tree.detach(here);
    this.ready.add(this.host.tree.addChild(undefined, parent, name, false));
  }

  /** A watched directory was moved by an event: confirm it, and retry what is parked below. */
  moved(node: Node): void {
    this.parked.delete(node);
    this.ready.add(node);
    this.unpark(node);
  }

  /** A parked node at or below `node` may be reachable now. */
  unpark(node: Node): void {
    for (const p of this.parked) {
      if (!this.host.tree.isWithin(p, node)) continue;
      this.parked.delete(p);
      this.ready.add(p);
    }
  }

  /** Gone before it could be watched or listed: wait for a rename that moves it. */
  park(node: Node): void {
    this.ready.delete(node);
    this.parked.add(node);
  }

  /** Resolve what no queued record can still move; the rest waits for those records. */
  resolve(queue: RecordQueue): void {
    for (const node of [...this.ready]) {
      this.ready.delete(node);
      if (node.detached) continue;
      const key = this.blockedBy(node, queue);
      if (key === undefined) this.settle(node);
      else this.blocked.set(key, (this.blocked.get(key) ?? new Set()).add(node));
    }
    for (const node of this.parked) if (node.detached) this.parked.delete(node);
  }

  clear(): void {
    this.ready.clear();
    this.parked.clear();
    this.blocked.clear();
  }

  // --- internal ---

  /** The key of a queued record that changes a name on the node's path, if any. */
  private blockedBy(node: Node, queue: RecordQueue): string | undefined {
    for (let n = node; n.parent; n = n.parent) {
      const key = n.parent.wd === undefined ? undefined : queue.changes(n.parent.wd, n.name);
      if (key !== undefined) return key;
    }
    return undefined;
  }

  private settle(node: Node): void {
    const { tree, walker } = this.host;
    const parent = node.parent!;
    const path = tree.path(node);
    const wd = this.host.addWatch(path, node.root);
    if (wd === "ENOENT" || wd === "ENOTDIR") return this.park(node);
    if (wd === node.wd) {
      if (!node.listed) walker.scan(node, "new");
      return;
    }
    if (node.wd === undefined) tree.detach(node);
    else this.host.unwatch(node); // another directory stands where this one should be
    if (typeof wd === "string") return walker.unwatchable(parent.root, path, wd);
    const placed = walker.adopt(parent, node.name, path, wd, "new");
    if (placed?.descend) walker.scan(placed.node, "new");
  }
}
