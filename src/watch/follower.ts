// TreeFollower: what one kernel record means, for the WatchTree and for consumers. The
// engine hands it records in kernel order, an IN_MOVED_FROM already paired or not
// (moves.ts); it keeps the tree in step and reports events:
// - IN_CREATE / IN_MOVED_TO of a directory: an arrival (arrivals.ts) to watch and list
//   once no queued record can still move it;
// - a paired rename of a watched directory: its node moves, its subtree follows, nothing
//   is reported again; to another root, it is listed again for that root's consumers;
// - an IN_MOVED_FROM without partner: moved out, a delete, watches dropped;
// - IN_DELETE, IN_IGNORED: the node goes (the kernel ended the watch itself);
// - a root deleted, moved or unmounted: its watches are dropped, then a "gone" event.

import { fsEvent, joinPath, type EventName, type FsEvent } from "../events/index.ts";
import type { Arrivals } from "./arrivals.ts";
import { isExcluded } from "./filter.ts";
import type { SyntheticLedger } from "./ledger.ts";
import type { QueuedRecord } from "./queue.ts";
import type { DirNode, WatchTree } from "./tree.ts";
import type { WatchRoot } from "./walker.ts";

type Node = DirNode<WatchRoot>;

/** The directory node a named record is about, the name, and the full path. */
export interface Named {
  node: Node;
  name: string;
  path: string;
}

export interface FollowerHost {
  tree: WatchTree<WatchRoot>;
  ledger: SyntheticLedger<WatchRoot>;
  arrivals: Arrivals;
  rootsByPath: Map<string, WatchRoot>;
  rmWatch(wd: number): void;
  /** Report if the root asked for this event and its filter lets it through. */
  emit(root: WatchRoot, event: FsEvent): void;
  /** Report unconditionally. */
  deliver(event: FsEvent): void;
}

export class TreeFollower {
  constructor(private readonly host: FollowerHost) {}

  /** What a named record is about; undefined when its watch was dropped or the path is excluded. */
  named(r: QueuedRecord): Named | undefined {
    const { tree } = this.host;
    const node = tree.get(r.wd);
    if (!node || r.text === "") return undefined;
    const path = joinPath(tree.path(node), r.text);
    return isExcluded(node.root.filter, path) ? undefined : { node, name: r.text, path };
  }

  /** Any record but IN_MOVED_FROM and IN_Q_OVERFLOW (the engine's). */
  follow(r: QueuedRecord): void {
    const { tree, ledger } = this.host;
    const node = tree.get(r.wd);
    if (!node || !r.event) return; // a watch we dropped: its last events are moot
    if (r.event === "IN_IGNORED") return this.ignored(node);
    if (r.text === "") return this.self(node, r.event);
    const at = this.named(r);
    if (!at || r.event === "IN_MOVED_FROM") return;
    const { root } = node;
    switch (r.event) {
      case "IN_MOVED_TO":
        this.host.emit(root, fsEvent("IN_MOVED_TO", at.path, r.dir, root.path));
        if (r.dir) this.arrive(at, "moved");
        return;
      case "IN_CREATE":
        if (ledger.takeCreate(at.path)) return;
        this.host.emit(root, fsEvent("IN_CREATE", at.path, r.dir, root.path));
        if (r.dir) this.arrive(at, "created");
        return;
      case "IN_DELETE": {
        ledger.forget(at.path);
        const child = node.children.get(at.name);
        if (r.dir && child) tree.detach(child); // the kernel ends its watch itself
        break;
      }
      case "IN_CLOSE_WRITE":
        ledger.realWrite(at.path);
        break;
    }
    this.host.emit(root, fsEvent(r.event, at.path, r.dir, root.path));
  }

  /** A rename inside the watched trees, both halves seen. */
  moved(from: Named, to: Named, dir: boolean): void {
    const { tree, arrivals } = this.host;
    const [src, dst] = [from.node.root, to.node.root];
    this.host.ledger.forget(from.path);
    this.host.emit(src, fsEvent("IN_MOVED_FROM", from.path, dir, src.path, { kind: "move", to: to.path }));
    this.host.emit(dst, fsEvent("IN_MOVED_TO", to.path, dir, dst.path, { kind: "move", from: from.path }));
    if (!dir) return;
    const node = from.node.children.get(from.name);
    if (node && src === dst) {
      // An empty directory renamed over is deleted, and the kernel ends its watch; if it
      // lives on after all, its wd stays valid and is found again when it turns up.
      const there = to.node.children.get(to.name);
      if (there && there !== node) tree.detach(there);
      tree.move(node, to.node, to.name);
      if (dst.autoAdd) arrivals.moved(node);
      return;
    }
    // Never watched, or moved to another root whose consumers never saw what it holds.
    if (node) this.unwatch(node);
    this.arrive(to, "moved");
  }

  /** An IN_MOVED_FROM whose partner never came: it left every watched tree. */
  movedOut(from: Named, dir: boolean): void {
    const { root } = from.node;
    this.host.ledger.forget(from.path);
    this.host.emit(root, fsEvent("IN_MOVED_FROM", from.path, dir, root.path));
    const child = dir ? from.node.children.get(from.name) : undefined;
    if (child) this.unwatch(child);
  }

  /** A listing found a watched directory renamed (from `from`) before its events came. */
  relocated(node: Node, from: string, report: boolean): void {
    const { root } = node;
    const to = this.host.tree.path(node);
    if (report) {
      this.host.emit(root, fsEvent("IN_MOVED_FROM", from, true, root.path, { kind: "move", to, synthetic: true }));
      this.host.emit(root, fsEvent("IN_MOVED_TO", to, true, root.path, { kind: "move", from, synthetic: true }));
    }
    this.host.arrivals.unpark(node);
  }

  dropRoot(root: WatchRoot): void {
    this.host.rootsByPath.delete(root.path);
    if (root.node) this.unwatch(root.node);
  }

  unwatch(node: Node): void {
    for (const wd of this.host.tree.detach(node)) this.host.rmWatch(wd);
  }

  // --- internal ---

  private arrive(at: Named, how: "created" | "moved"): void {
    const { root } = at.node;
    if (root.recursive && root.autoAdd) this.host.arrivals.arrive(at.node, at.name, how);
  }

  /** An event on a watched directory itself (no name). */
  private self(node: Node, event: EventName): void {
    const root = node.root;
    const ending = event === "IN_DELETE_SELF" || event === "IN_MOVE_SELF" || event === "IN_UNMOUNT";
    if (node.parent === undefined) {
      if (ending) this.rootGone(root, event);
      else this.host.emit(root, fsEvent(event, root.path, true, root.path));
    } else if (ending) this.host.emit(root, fsEvent(event, this.host.tree.path(node), true, root.path));
  }

  private ignored(node: Node): void {
    if (node.parent === undefined) this.rootGone(node.root, "IN_DELETE_SELF");
    else this.host.tree.detach(node);
  }

  private rootGone(root: WatchRoot, event: EventName): void {
    if (root.gone) return;
    root.gone = true;
    this.dropRoot(root); // first, so a consumer sees roots() without it
    this.host.deliver(fsEvent(event, root.path, true, root.path, { kind: "gone" }));
  }
}
