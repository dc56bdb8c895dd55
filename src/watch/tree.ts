// WatchTree: the watched directories as a tree of nodes keyed by watch descriptor. A node
// knows its name and parent, not its full path, so renaming a directory with 100,000
// watched sub-directories is one assignment; full paths are built on demand and cached
// until the next rename. A node may be pending: a directory known to be there (an event
// or a listing said so) that is not watched or not listed yet (arrivals.ts). Pure data:
// no system calls.

import { joinPath } from "../events/index.ts";

export interface DirNode<R> {
  /** The watch descriptor; undefined while the directory is not watched yet. */
  wd: number | undefined;
  name: string;
  parent: DirNode<R> | undefined;
  children: Map<string, DirNode<R>>;
  /** The root entry this directory belongs to. */
  root: R;
  /** Its entries were reported (or, for a root, deliberately not). */
  listed: boolean;
  /** No longer in the tree (deleted, moved out, replaced). */
  detached?: boolean;
  /** For a root node: the path it was added as. */
  rootPath?: string;
  cached?: string;
  cachedAt?: number;
}

export class WatchTree<R> {
  private readonly byWd = new Map<number, DirNode<R>>();
  private epoch = 0;

  get size(): number {
    return this.byWd.size;
  }

  get(wd: number): DirNode<R> | undefined {
    return this.byWd.get(wd);
  }

  addRoot(wd: number, path: string, root: R): DirNode<R> {
    const node: DirNode<R> = {
      wd,
      name: path,
      parent: undefined,
      children: new Map(),
      root,
      listed: true,
      rootPath: path,
    };
    this.byWd.set(wd, node);
    return node;
  }

  /** A child at `name` (undefined wd: not watched yet). The name must be free. */
  addChild(wd: number | undefined, parent: DirNode<R>, name: string, listed: boolean): DirNode<R> {
    const node: DirNode<R> = { wd, name, parent, children: new Map(), root: parent.root, listed };
    parent.children.set(name, node);
    if (wd !== undefined) this.byWd.set(wd, node);
    return node;
  }

  /** Give a node that was not watched its watch descriptor. */
  setWatch(node: DirNode<R>, wd: number): void {
    node.wd = wd;
    this.byWd.set(wd, node);
  }

  path(node: DirNode<R>): string {
    if (node.cachedAt === this.epoch && node.cached !== undefined) return node.cached;
    const p = node.parent ? joinPath(this.path(node.parent), node.name) : node.name;
    node.cached = p;
    node.cachedAt = this.epoch;
    return p;
  }

  /** Move a node (and so its whole subtree) under a new parent and name; the name must be free. */
  move(node: DirNode<R>, parent: DirNode<R>, name: string): void {
    if (node.parent?.children.get(node.name) === node) node.parent.children.delete(node.name);
    node.parent = parent;
    node.name = name;
    parent.children.set(name, node);
    this.epoch++;
  }

  /** Forget a node and everything below it; returns their watch descriptors. */
  detach(node: DirNode<R>): number[] {
    if (node.parent?.children.get(node.name) === node) node.parent.children.delete(node.name);
    const wds: number[] = [];
    const stack = [node];
    while (stack.length > 0) {
      const n = stack.pop()!;
      n.detached = true;
      if (n.wd !== undefined) {
        if (this.byWd.get(n.wd) === n) this.byWd.delete(n.wd);
        wds.push(n.wd);
      }
      for (const c of n.children.values()) stack.push(c);
    }
    return wds;
  }

  /** True when `node` is `ancestor` or lies below it. */
  isWithin(node: DirNode<R>, ancestor: DirNode<R>): boolean {
    for (let n: DirNode<R> | undefined = node; n; n = n.parent) if (n === ancestor) return true;
    return false;
  }

  /** Every node of a root, root first. */
  *nodes(rootNode: DirNode<R>): Generator<DirNode<R>> {
    const stack = [rootNode];
    while (stack.length > 0) {
      const n = stack.pop()!;
      yield n;
      for (const c of n.children.values()) stack.push(c);
    }
  }
}
