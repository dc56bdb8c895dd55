// WatchTree: the watched directories as a tree of nodes keyed by watch descriptor. A node
// knows its name and parent, not its full path, so renaming a directory with 100,000
// watched sub-directories is one assignment; full paths are built on demand and cached
// until the next rename. Pure data: no system calls.

import { joinPath } from "../events/index.ts";

export interface DirNode<R> {
  wd: number;
  name: string;
  parent: DirNode<R> | undefined;
  children: Map<string, DirNode<R>>;
  /** The root entry this directory belongs to. */
  root: R;
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
    const node: DirNode<R> = { wd, name: path, parent: undefined, children: new Map(), root, rootPath: path };
    this.byWd.set(wd, node);
    return node;
  }

  addChild(wd: number, parent: DirNode<R>, name: string): DirNode<R> {
    const node: DirNode<R> = { wd, name, parent, children: new Map(), root: parent.root };
    parent.children.set(name, node);
    this.byWd.set(wd, node);
    return node;
  }

  path(node: DirNode<R>): string {
    if (node.cachedAt === this.epoch && node.cached !== undefined) return node.cached;
    const p = node.parent ? joinPath(this.path(node.parent), node.name) : node.name;
    node.cached = p;
    node.cachedAt = this.epoch;
    return p;
  }

  /** Move a node (and so its whole subtree) under a new parent and name. */
  move(node: DirNode<R>, parent: DirNode<R>, name: string): void {
    node.parent?.children.delete(node.name);
    const displaced = parent.children.get(name);
    if (displaced && displaced !== node) this.detach(displaced);
    node.parent = parent;
    node.name = name;
    parent.children.set(name, node);
    this.epoch++;
  }

  /** Forget a node and everything below it; returns their watch descriptors. */
  detach(node: DirNode<R>): number[] {
    node.parent?.children.delete(node.name);
    const wds: number[] = [];
    const stack = [node];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (this.byWd.get(n.wd) === n) this.byWd.delete(n.wd);
      wds.push(n.wd);
      for (const c of n.children.values()) stack.push(c);
    }
    return wds;
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
