// PollWatcher: the same contract as InotifyWatcher for filesystems where inotify sees
// nothing (NFS, SMB, FUSE mounts changed from another host). Every `intervalMs` it lists
// the tree with lstat and compares it with the last listing:
// - a new path: IN_CREATE; a file is then IN_CLOSE_WRITE once its size and mtime held
//   still for one whole interval (polling cannot see close(), so "settled" stands in);
// - a changed file (size or mtime): IN_MODIFY, then IN_CLOSE_WRITE once settled;
// - ctime alone changed: IN_ATTRIB;
// - a path gone whose inode shows up elsewhere: a paired move (IN_MOVED_FROM + IN_MOVED_TO);
//   contents of a moved directory are not reported again;
// - a path gone: IN_DELETE; the root gone: "gone".
// A handler that throws is reported as a problem and the watcher goes on, as inotify's does.

import { lstatSync, statSync, type Stats } from "node:fs";
import { ConfigError } from "../errors.ts";
import { CHANGE_EVENTS, fsEvent, joinPath, trimSlashes, type EventName, type FsEvent } from "../events/index.ts";
import { log } from "../log.ts";
import { isExcluded, isReported, NO_FILTER, type PathFilter } from "./filter.ts";
import { rootError } from "./root-error.ts";
import { type Entry, fsPath, listDir } from "./scan.ts";
import {
  deliverTo,
  type Watcher,
  type WatcherHandlers,
  type WatcherStats,
  type WatchOptions,
  type WatchProblem,
} from "./watcher.ts";

export const DEFAULT_POLL_MS = 1000;

interface Node {
  dir: boolean;
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

interface Root {
  path: string;
  recursive: boolean;
  /** Without autoAdd: only the directories there at the start are listed. */
  initialDirs: Set<string> | undefined;
  events: Set<EventName>;
  filter: PathFilter;
  snapshot: Map<string, Node>;
  unsettled: Set<string>;
  timer: ReturnType<typeof setInterval>;
}

export class PollWatcher implements Watcher {
  private readonly rootsByPath = new Map<string, Root>();
  private readonly counts = { degraded: 0, overflows: 0, events: 0 };

  constructor(
    private readonly handlers: WatcherHandlers,
    private readonly intervalMs = DEFAULT_POLL_MS,
  ) {
    if (!(intervalMs >= 10))
      throw new ConfigError(
        `must be at least 10 ms, not ${intervalMs}`,
        "--poll",
        intervalMs,
        "NFS servers cache attributes for seconds anyway; 1000 is a good start",
      );
  }

  async add(path: string, options: WatchOptions = {}): Promise<void> {
    const clean = trimSlashes(path);
    if (this.rootsByPath.has(clean)) return;
    const top = statRoot(clean);
    if (!top.isDirectory()) throw rootError(clean, "ENOTDIR");
    const root: Root = {
      path: clean,
      recursive: options.recursive ?? true,
      initialDirs: undefined,
      events: new Set(options.events ?? CHANGE_EVENTS),
      filter: options.filter ?? NO_FILTER,
      snapshot: new Map(),
      unsettled: new Set(),
      timer: setInterval(() => this.poll(root), this.intervalMs),
    };
    root.snapshot = this.list(root);
    if (options.autoAdd === false)
      root.initialDirs = new Set([...root.snapshot].filter(([, n]) => n.dir).map(([p]) => p));
    this.rootsByPath.set(clean, root);
  }

  remove(path: string): void {
    const root = this.rootsByPath.get(trimSlashes(path));
    if (!root) return;
    clearInterval(root.timer);
    this.rootsByPath.delete(root.path);
  }

  roots(): string[] {
    return [...this.rootsByPath.keys()];
  }

  stats(): WatcherStats {
    let watches = 0;
    for (const r of this.rootsByPath.values()) for (const n of r.snapshot.values()) if (n.dir) watches++;
    return { roots: this.rootsByPath.size, watches: watches + this.rootsByPath.size, ...this.counts };
  }

  async close(): Promise<void> {
    for (const r of [...this.rootsByPath.keys()]) this.remove(r);
  }

  // --- internal ---

  private poll(root: Root): void {
    try {
      if (!lstatSync(fsPath(root.path) as string).isDirectory()) throw new Error("not a directory");
    } catch {
      this.remove(root.path);
      this.deliver(fsEvent("IN_DELETE_SELF", root.path, true, root.path, { kind: "gone" }));
      return;
    }
    const before = root.snapshot;
    const after = this.list(root);
    root.snapshot = after;
    const out: FsEvent[] = [];
    const emit = (name: EventName, path: string, dir: boolean, extra?: Partial<FsEvent>) =>
      out.push(fsEvent(name, path, dir, root.path, extra));

    const goneByIno = new Map<number, string>();
    for (const [p, n] of before) if (!after.has(p)) goneByIno.set(n.ino, p);
    const movedDirs: [string, string][] = []; // [from, to]
    const created = [...after.keys()].filter((p) => !before.has(p)).sort();
    for (const p of created) {
      const n = after.get(p)!;
      const from = goneByIno.get(n.ino);
      if (from !== undefined && before.get(from)?.dir === n.dir) {
        goneByIno.delete(n.ino);
        if (movedDirs.some(([f, t]) => from.startsWith(`${f}/`) && p === t + from.slice(f.length))) continue;
        if (n.dir) movedDirs.push([from, p]);
        emit("IN_MOVED_FROM", from, n.dir, { kind: "move", to: p });
        emit("IN_MOVED_TO", p, n.dir, { kind: "move", from });
        continue;
      }
      emit("IN_CREATE", p, n.dir);
      if (!n.dir) root.unsettled.add(p);
    }
    // Below a renamed directory, the old paths stand at new names: what is not there now
    // went away in the same interval (deleted at its new name), and changes are compared
    // with the entry's old name.
    const renamed = (p: string) => {
      const m = movedDirs.find(([f]) => p.startsWith(`${f}/`));
      return m ? m[1] + p.slice(m[0].length) : p;
    };
    const origin = (p: string) => {
      const m = movedDirs.find(([, t]) => p.startsWith(`${t}/`));
      return m ? m[0] + p.slice(m[1].length) : p;
    };
    for (const p of [...goneByIno.values()].sort().reverse()) {
      const now = renamed(p);
      if (now !== p && after.has(now)) continue; // moved along with its directory
      emit("IN_DELETE", now, before.get(p)!.dir);
      root.unsettled.delete(p);
    }
    for (const p of [...root.unsettled]) {
      const now = renamed(p);
      if (now !== p) root.unsettled.delete(p) && root.unsettled.add(now);
    }
    for (const [p, n] of after) {
      const old = before.get(p) ?? before.get(origin(p));
      if (!old || n.dir) continue;
      if (old.size !== n.size || old.mtimeMs !== n.mtimeMs) {
        emit("IN_MODIFY", p, false);
        root.unsettled.add(p);
      } else if (root.unsettled.delete(p)) emit("IN_CLOSE_WRITE", p, false);
      else if (old.ctimeMs !== n.ctimeMs) emit("IN_ATTRIB", p, false);
    }
    for (const e of out)
      if (root.events.has(e.names[0] as EventName) && isReported(root.filter, e.path)) this.deliver(e);
  }

  private list(root: Root): Map<string, Node> {
    const out = new Map<string, Node>();
    const stack = [root.path];
    while (stack.length > 0) {
      const dir = stack.pop()!;
      let entries: Entry[];
      try {
        entries = listDir(dir);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== "ENOENT" && code !== "ENOTDIR" && dir !== root.path) this.degraded(dir, code);
        continue;
      }
      for (const e of entries) {
        const p = joinPath(dir, e.name);
        if (isExcluded(root.filter, p)) continue;
        let s: Stats;
        try {
          s = lstatSync(fsPath(p) as string);
        } catch {
          continue;
        }
        const isDir = s.isDirectory();
        out.set(p, { dir: isDir, ino: s.ino, size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs });
        if (isDir && root.recursive && (!root.initialDirs || root.initialDirs.has(p))) stack.push(p);
      }
    }
    return out;
  }

  private degraded(path: string, code: string | undefined): void {
    this.counts.degraded++;
    this.problem({ kind: "degraded", path, code, message: `cannot list: ${code}` });
  }

  /** A handler that throws is reported and survived, as in the inotify engine. */
  private deliver(event: FsEvent): void {
    this.counts.events++;
    deliverTo(this.handlers, event, (p) => this.problem(p));
  }

  private problem(p: WatchProblem): void {
    if (this.handlers.onProblem) this.handlers.onProblem(p);
    else log.withTag("poll").warn(`${p.path}: ${p.message}`);
  }
}

function statRoot(path: string): Stats {
  try {
    return statSync(fsPath(path) as string);
  } catch (err) {
    throw rootError(path, (err as NodeJS.ErrnoException).code ?? "EIO");
  }
}
