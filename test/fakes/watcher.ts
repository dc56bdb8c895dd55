// FakeWatcher: an in-memory filesystem whose operations emit the events InotifyWatcher
// would, for tests of upper layers (rules, plugins) that must not depend on the kernel.
// test/contracts/watcher.contract.ts runs the same cases against it and the real
// watchers, so it cannot drift from them.

import { CHANGE_EVENTS, fsEvent, type EventName, type FsEvent } from "../../src/events/index.ts";
import { isExcluded, isReported, NO_FILTER, type PathFilter } from "../../src/watch/filter.ts";
import type { Watcher, WatcherHandlers, WatcherStats, WatchOptions } from "../../src/watch/watcher.ts";
import { NativeError } from "../../src/errors.ts";

interface Root {
  path: string;
  recursive: boolean;
  events: Set<EventName>;
  filter: PathFilter;
}

export class FakeFs {
  /** path → "dir" | file content */
  readonly entries = new Map<string, "dir" | string>([["/", "dir"]]);
  readonly watchers = new Set<FakeWatcher>();

  isDir(path: string): boolean {
    return this.entries.get(path) === "dir";
  }

  mkdirp(path: string): void {
    const parts = path.split("/").filter(Boolean);
    let p = "";
    for (const part of parts) {
      p += `/${part}`;
      if (this.entries.has(p)) continue;
      this.entries.set(p, "dir");
      this.emit("IN_CREATE", p, true);
    }
  }

  write(path: string, data = ""): void {
    this.requireParent(path);
    const existed = this.entries.has(path);
    this.entries.set(path, data);
    if (!existed) this.emit("IN_CREATE", path, false);
    this.emit("IN_MODIFY", path, false);
    this.emit("IN_CLOSE_WRITE", path, false);
  }

  rename(from: string, to: string): void {
    const kind = this.entries.get(from);
    if (kind === undefined) throw new Error(`fake: no such path ${from}`);
    this.requireParent(to);
    const moved = [...this.entries].filter(([p]) => p === from || p.startsWith(`${from}/`));
    for (const [p] of moved) this.entries.delete(p);
    for (const [p, v] of moved) this.entries.set(to + p.slice(from.length), v);
    for (const w of this.watchers) w.moved(from, to, kind === "dir", this);
  }

  rm(path: string): void {
    const below = [...this.entries.keys()]
      .filter((p) => p.startsWith(`${path}/`))
      .sort()
      .reverse();
    for (const p of [...below, path]) {
      const dir = this.isDir(p);
      this.entries.delete(p);
      this.emit("IN_DELETE", p, dir);
      for (const w of this.watchers) w.maybeGone(p);
    }
  }

  /** Entries below `dir`, parents before children. */
  below(dir: string): [string, boolean][] {
    return [...this.entries]
      .filter(([p]) => p.startsWith(`${dir}/`))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([p, v]) => [p, v === "dir"]);
  }

  // --- internal ---

  private emit(name: EventName, path: string, dir: boolean): void {
    for (const w of this.watchers) w.kernel(name, path, dir);
  }

  private requireParent(path: string): void {
    const parent = path.slice(0, path.lastIndexOf("/")) || "/";
    if (!this.isDir(parent)) throw new Error(`fake: no such directory ${parent}`);
  }
}

export class FakeWatcher implements Watcher {
  private readonly rootsByPath = new Map<string, Root>();
  private events = 0;

  constructor(
    private readonly handlers: WatcherHandlers,
    readonly fs: FakeFs = new FakeFs(),
  ) {
    fs.watchers.add(this);
  }

  async add(path: string, options: WatchOptions = {}): Promise<void> {
    if (!this.fs.entries.has(path)) throw new NativeError("watch", 2, "ENOENT", path);
    if (!this.fs.isDir(path)) throw new NativeError("watch", 20, "ENOTDIR", path);
    this.rootsByPath.set(path, {
      path,
      recursive: options.recursive ?? true,
      events: new Set(options.events ?? CHANGE_EVENTS),
      filter: options.filter ?? NO_FILTER,
    });
  }

  remove(path: string): void {
    this.rootsByPath.delete(path);
  }

  roots(): string[] {
    return [...this.rootsByPath.keys()];
  }

  stats(): WatcherStats {
    return {
      roots: this.rootsByPath.size,
      watches: this.rootsByPath.size,
      degraded: 0,
      overflows: 0,
      events: this.events,
    };
  }

  async close(): Promise<void> {
    this.rootsByPath.clear();
    this.fs.watchers.delete(this);
  }

  /** Simulate a kernel queue overflow: overflow, then a rescan, as InotifyWatcher does. */
  overflow(): void {
    for (const root of this.rootsByPath.values()) {
      this.deliver({ kind: "overflow", path: root.path, names: ["IN_Q_OVERFLOW"], dir: true, root: root.path });
      for (const [p, dir] of this.fs.below(root.path))
        this.report(root, fsEvent("IN_CREATE", p, dir, root.path, { synthetic: true }));
      this.deliver({ kind: "rescanned", path: root.path, names: [], dir: true, root: root.path });
    }
  }

  // --- called by FakeFs ---

  kernel(name: EventName, path: string, dir: boolean): void {
    const root = this.rootFor(path);
    if (root) this.report(root, fsEvent(name, path, dir, root.path));
  }

  moved(from: string, to: string, dir: boolean, fs: FakeFs): void {
    const src = this.rootFor(from);
    const dst = this.rootFor(to);
    if (src && dst) {
      this.report(src, fsEvent("IN_MOVED_FROM", from, dir, src.path, { kind: "move", to }));
      this.report(dst, fsEvent("IN_MOVED_TO", to, dir, dst.path, { kind: "move", from }));
    } else if (src) this.report(src, fsEvent("IN_MOVED_FROM", from, dir, src.path));
    else if (dst) {
      this.report(dst, fsEvent("IN_MOVED_TO", to, dir, dst.path));
      if (dir && dst.recursive) this.found(dst, to, fs);
    }
    this.maybeGone(from);
  }

  maybeGone(path: string): void {
    const root = this.rootsByPath.get(path);
    if (!root) return;
    this.rootsByPath.delete(path);
    this.deliver(fsEvent("IN_DELETE_SELF", path, true, path, { kind: "gone" }));
  }

  // --- internal ---

  private found(root: Root, dir: string, fs: FakeFs): void {
    for (const [p, isDir] of fs.below(dir)) {
      if (this.excludedBelow(root, p)) continue;
      this.report(root, fsEvent("IN_CREATE", p, isDir, root.path, { synthetic: true }));
      if (!isDir) this.report(root, fsEvent("IN_CLOSE_WRITE", p, false, root.path, { synthetic: true }));
    }
  }

  private rootFor(path: string): Root | undefined {
    for (const root of this.rootsByPath.values()) {
      if (!path.startsWith(`${root.path}/`)) continue;
      const rel = path.slice(root.path.length + 1);
      if (!root.recursive && rel.includes("/")) continue;
      if (this.excludedBelow(root, path)) continue;
      return root;
    }
    return undefined;
  }

  /** Excluded itself, or under an excluded directory (which is never descended into). */
  private excludedBelow(root: Root, path: string): boolean {
    let p = path;
    while (p.length > root.path.length) {
      if (isExcluded(root.filter, p)) return true;
      p = p.slice(0, p.lastIndexOf("/"));
    }
    return false;
  }

  private report(root: Root, ev: FsEvent): void {
    if (!root.events.has(ev.names[0] as EventName) || !isReported(root.filter, ev.path)) return;
    this.deliver(ev);
  }

  /**
   * A handler that throws is reported and survived, as the real watchers do. Without an
   * onProblem it is thrown to the test whose operation caused it, so no bug hides in a log.
   */
  private deliver(ev: FsEvent): void {
    this.events++;
    try {
      this.handlers.onEvent(ev);
    } catch (err) {
      const problem = { kind: "error" as const, path: ev.path, message: `event handler failed: ${err}` };
      if (this.handlers.onProblem) this.handlers.onProblem(problem);
      else throw err;
    }
  }
}
