// TaskTable: a scheduler's tasks by key (the event's path, or "singlejob"), and what the
// engine's moves and deletes do to them. A task follows its file: a rename of the file,
// or of any directory above it, re-keys the task and rewrites its event's path (what
// {pathname} expands to), so the job runs where the file is. What is still pending for a
// file that left the tree (deleted, moved out, replaced by a move onto its path) is
// dropped. A running job is never touched; only its pending re-run follows or is dropped.
//
// Cost: a file's move or delete is one lookup; a directory's scans the table only when
// tasks exist below it (a count per ancestor directory says so), so `rm -rf` of a big
// tree, file by file, stays linear.

import type { FsEvent } from "../events/index.ts";
import type { SchedLog } from "./logging.ts";

export interface Task {
  id: string;
  /** The event's path, or "singlejob". */
  key: string;
  event: FsEvent;
  state: "delayed" | "running";
  timer?: unknown;
  rerun?: FsEvent;
  done?: Promise<void>;
}

export interface TableHost {
  log(): SchedLog;
  /** A delayed task leaves the table: stop its timer. */
  disarm(task: Task): void;
}

export class TaskTable {
  private readonly byKey = new Map<string, Task>();
  /** Tasks strictly below each directory (path keys only). */
  private readonly below = new Map<string, number>();

  constructor(
    private readonly single: boolean,
    private readonly host: TableHost,
  ) {}

  get(key: string): Task | undefined {
    return this.byKey.get(key);
  }

  /** The task is still the table's (not dropped, not displaced by a move). */
  owns(task: Task): boolean {
    return this.byKey.get(task.key) === task;
  }

  set(task: Task): void {
    if (this.byKey.has(task.key)) this.delete(this.byKey.get(task.key)!);
    this.byKey.set(task.key, task);
    this.count(task.key, 1);
  }

  delete(task: Task): void {
    if (!this.owns(task)) return;
    this.byKey.delete(task.key);
    this.count(task.key, -1);
  }

  values(): IterableIterator<Task> {
    return this.byKey.values();
  }

  /**
   * `from` was renamed to `to` (a directory: with everything below it). Tasks there follow;
   * `keep(newPath)` false means the new path is outside the scheduler's watches: dropped.
   */
  move(from: string, to: string, dir: boolean, root: string, keep: (path: string) => boolean): void {
    const rebase = (ev: FsEvent) => ({ ...ev, path: to + ev.path.slice(from.length), root });
    if (this.single) return this.moveSingle(from, to, dir, rebase, keep);
    const moving = this.under(from, dir);
    for (const t of moving) this.delete(t);
    // What was pending for a file the move replaced (rename onto an existing path) is gone.
    this.left(to, dir, `replaced by ${from}`);
    for (const t of moving) {
      t.key = to + t.key.slice(from.length);
      t.event = rebase(t.event);
      if (t.rerun) t.rerun = rebase(t.rerun);
      if (!keep(t.key)) {
        this.leave(t, `moved to ${t.key}, outside the watches`);
        continue;
      }
      this.host.log().info(`task follows a move from ${from}`, t.event, t.id);
      const there = this.byKey.get(t.key);
      if (there) this.landOnRunning(there, t);
      else this.set(t);
    }
  }

  /** `path` (a directory: and everything below it) left the tree. */
  left(path: string, dir: boolean, why: string): void {
    if (!this.single) {
      for (const t of this.under(path, dir)) this.leave(t, why);
      return;
    }
    const t = this.byKey.get("singlejob");
    const pending = t?.state === "delayed" ? t.event : t?.rerun;
    if (t && pending && within(pending.path, path, dir)) this.leave(t, why);
  }

  // --- internal ---

  /** singlejob: one task whose event (and re-run) may each be for any path. */
  private moveSingle(
    from: string,
    to: string,
    dir: boolean,
    rebase: (ev: FsEvent) => FsEvent,
    keep: (path: string) => boolean,
  ): void {
    this.left(to, dir, `replaced by ${from}`);
    const t = this.byKey.get("singlejob");
    if (!t) return;
    const follow = (ev: FsEvent | undefined) => (ev && within(ev.path, from, dir) ? rebase(ev) : undefined);
    const event = follow(t.event);
    const rerun = follow(t.rerun);
    if (event) t.event = event;
    if (rerun) t.rerun = rerun;
    const pending = t.state === "delayed" ? event : rerun;
    if (!pending) return;
    if (!keep(pending.path)) this.leave(t, `moved to ${pending.path}, outside the watches`);
    else this.host.log().info(`task follows a move from ${from}`, pending, t.id);
  }

  /** Drop what is pending for a task whose file is gone: the task, or its re-run. */
  private leave(t: Task, why: string): void {
    if (t.state === "delayed") {
      this.host.disarm(t);
      this.delete(t);
      this.host.log().info(`pending task dropped: ${why}`, t.event, t.id);
    } else if (t.rerun) {
      t.rerun = undefined;
      this.host.log().info(`pending re-run dropped: ${why}; the ongoing task is not stopped`, t.event, t.id);
    }
  }

  /** `moved` lands on a path whose task is running (its own re-run already dropped). */
  private landOnRunning(there: Task, moved: Task): void {
    if (moved.state === "delayed") {
      // One job per path at a time: the moved task runs as the ongoing task's re-run.
      this.host.disarm(moved);
      there.rerun = moved.event;
      this.host
        .log()
        .info(
          `task ${moved.id} moved onto a path whose task is running: it runs again when done`,
          there.event,
          there.id,
        );
      return;
    }
    this.delete(there); // both running: the displaced one finishes on its own
    this.host.log().info("its path was taken by a moved task; the ongoing task is not stopped", there.event, there.id);
    this.set(moved);
  }

  /** Tasks at `path`, and (a directory) below it. */
  private under(path: string, dir: boolean): Task[] {
    const out: Task[] = [];
    const at = this.byKey.get(path);
    if (at) out.push(at);
    if (!dir || !this.below.get(path)) return out;
    const prefix = `${path}/`;
    for (const [key, t] of this.byKey) if (key.startsWith(prefix)) out.push(t);
    return out;
  }

  private count(key: string, by: number): void {
    if (this.single) return;
    for (let i = key.lastIndexOf("/"); i > 0; i = key.lastIndexOf("/", i - 1)) {
      const dir = key.slice(0, i);
      const n = (this.below.get(dir) ?? 0) + by;
      if (n > 0) this.below.set(dir, n);
      else this.below.delete(dir);
    }
  }
}

/** `path` is `top`, or (when `top` is a directory) below it. */
function within(path: string, top: string, dir: boolean): boolean {
  return path === top || (dir && path.startsWith(`${top}/`));
}
