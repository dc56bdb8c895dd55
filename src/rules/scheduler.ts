// TaskScheduler: pyinotifyd's scheduler, with its names, and with its bugs fixed.
//
// Theory of operation — each key (the event's path, or "singlejob") is one task:
//   idle ──event──▶ delayed ──delay elapsed──▶ running ──job done──▶ idle
//                   │  ▲ event: re-arm (same task_id, newest event)   │
//                   │  └──────────── re-run (one, newest event) ◀─────┘ if events came meanwhile
//                   └─ Cancel: dropped
// - An event during the delay re-arms it (pyinotifyd). An event while the job runs is
//   kept, newest wins, and the job runs once more afterwards (pyinotifyd dropped it).
// - Cancel drops a task in its delay, and a pending re-run; a running job is never killed.
// - At shutdown, tasks still in their delay are either run now or dropped (policy), never
//   started and then killed (pyinotifyd started them, then cancelled them).
// - A job that throws is logged with its stack; the scheduler goes on.
// - Tasks follow their file (tasks.ts): a move re-keys what is pending, a file that left
//   the tree loses it. The daemon reports moves and deletes even when the event map does
//   not ask for them.
// - At the shutdown timeout, running tasks are named in the log and ended where that is
//   possible (a shell command's process group); a job function cannot be stopped.

import { rejectUnknownKeys } from "../config/keys.ts";
import { ConfigError } from "../errors.ts";
import type { FsEvent } from "../events/index.ts";
import { realClock, type Clock } from "../clock.ts";
import { schedLog, type SchedLog } from "./logging.ts";
import { TaskTable, type Task } from "./tasks.ts";

/** The event as jobs receive it: FsEvent plus pyinotifyd's attribute names. */
export interface JobEvent extends FsEvent {
  pathname: string;
  maskname: string;
  src_pathname: string;
}

export type Job = (event: JobEvent, taskId: string) => unknown;

export interface TaskSchedulerOptions {
  job: Job;
  /** Schedule events on files (default true) and on directories (default false). */
  files?: boolean;
  dirs?: boolean;
  /** Seconds to wait; a new event for the same path re-arms it. Default 0. */
  delay?: number;
  logname?: string;
  /** All events share one task: one job at a time for the whole scheduler. */
  singlejob?: boolean;
  /** pyinotifyd's; accepted and ignored (TypeScript closures see the config's names). */
  global_vars?: unknown;
}

export type PendingPolicy = "run" | "drop";

/** A task still running when the shutdown timeout passed. */
export interface Abandoned {
  event: FsEvent;
  id: string;
}

export class TaskScheduler {
  readonly options: Required<Omit<TaskSchedulerOptions, "global_vars">>;
  protected clock: Clock = realClock;
  protected log: SchedLog;
  private readonly tasks: TaskTable;
  /** Running jobs, including one whose path another task took over (tasks.ts). */
  private readonly running = new Set<Task>();
  private paused = false;

  constructor(options: TaskSchedulerOptions, kind = "TaskScheduler", extraKeys: string[] = []) {
    checkOptions(options as unknown as Record<string, unknown>, kind, extraKeys);
    this.options = { files: true, dirs: false, delay: 0, logname: "sched", singlejob: false, ...options };
    this.log = schedLog(this.options.logname);
    this.tasks = new TaskTable(this.options.singlejob, {
      log: () => this.log,
      disarm: (t) => this.clock.clearTimeout(t.timer),
    });
  }

  /** The daemon's clock and log levels (tests pass a FakeClock). */
  attach(clock: Clock): void {
    this.clock = clock;
    this.log = schedLog(this.options.logname);
  }

  accepts(ev: FsEvent): boolean {
    return ev.dir ? this.options.dirs : this.options.files;
  }

  schedule(ev: FsEvent): void {
    if (this.paused || !this.accepts(ev)) return;
    const key = this.options.singlejob ? "singlejob" : ev.path;
    const task = this.tasks.get(key);
    if (!task) {
      const fresh: Task = { id: crypto.randomUUID(), key, event: ev, state: "delayed" };
      this.tasks.set(fresh);
      return this.arm(fresh, "schedule task");
    }
    if (task.state === "delayed") {
      this.clock.clearTimeout(task.timer);
      task.event = ev;
      return this.arm(task, "re-schedule task");
    }
    task.rerun = ev;
    this.log.info("event during ongoing task: it runs again when done", ev, task.id);
  }

  cancel(ev: FsEvent): void {
    const key = this.options.singlejob ? "singlejob" : ev.path;
    const task = this.tasks.get(key);
    if (!task) return;
    if (task.state === "delayed") {
      this.clock.clearTimeout(task.timer);
      this.tasks.delete(task);
      this.log.info("scheduled task cancelled", ev, task.id);
    } else if (task.rerun) {
      task.rerun = undefined;
      this.log.info("re-run cancelled; the ongoing task is not stopped", ev, task.id);
    }
  }

  /** The engine moved `from` to `to` (a directory: with all below it): pending tasks follow. */
  follow(from: string, to: string, dir: boolean, root: string, watched: (path: string) => boolean = () => true): void {
    this.tasks.move(from, to, dir, root, watched);
  }

  /** `path` (a directory: and all below it) left the tree: what is pending there is dropped. */
  left(path: string, dir: boolean, why: string): void {
    this.tasks.left(path, dir, why);
  }

  /** Tasks waiting in their delay, and running. */
  get counts(): { delayed: number; running: number } {
    let delayed = 0;
    for (const t of this.tasks.values()) if (t.state === "delayed") delayed++;
    return { delayed, running: this.running.size };
  }

  pause(): void {
    this.paused = true;
  }

  /**
   * Stop: take no more events; tasks in their delay are run now or dropped (`pending`);
   * wait up to `timeoutMs` for running ones. Returns how many were still running.
   */
  async shutdown(timeoutMs: number, pending: PendingPolicy): Promise<number> {
    this.paused = true;
    for (const task of [...this.tasks.values()]) {
      if (task.state !== "delayed") continue;
      this.clock.clearTimeout(task.timer);
      if (pending === "run") this.start(task);
      else {
        this.tasks.delete(task);
        this.log.warn("shutdown: delayed task dropped", task.event, task.id);
      }
    }
    const running = [...this.running].map((t) => t.done!);
    if (running.length === 0) return 0;
    this.log.info(`shutdown: waiting up to ${timeoutMs / 1000} s for ${running.length} task(s)`);
    let timer: unknown;
    const timedOut = new Promise<"timeout">((r) => (timer = realClock.setTimeout(() => r("timeout"), timeoutMs)));
    const outcome = await Promise.race([Promise.all(running).then(() => "done" as const), timedOut]);
    realClock.clearTimeout(timer);
    if (outcome === "done" || this.running.size === 0) return 0;
    const left = [...this.running].map((t) => ({ event: t.event, id: t.id }));
    this.log.warn(`shutdown timeout exceeded: ${left.length} task(s) still running`);
    await this.abandon(left);
    return left.length;
  }

  /** Run the job (subclasses: a shell command, a file operation). */
  protected async run(event: JobEvent, taskId: string): Promise<void> {
    await this.options.job(event, taskId);
  }

  /** The shutdown timeout passed with these still running: end what can be ended, say which. */
  protected async abandon(tasks: Abandoned[]): Promise<void> {
    for (const t of tasks)
      this.log.warn("shutdown: task left running (a job function cannot be stopped)", t.event, t.id);
  }

  /** The process exits now (a second signal): end what can be ended at once. */
  endNow(): void {
    for (const t of this.running)
      this.log.warn("exiting: task left running (a job function cannot be stopped)", t.event, t.id);
  }

  // --- internal ---

  private arm(task: Task, what: string): void {
    const delay = this.options.delay;
    if (delay <= 0) return this.start(task);
    this.log.info(`${what}, delay=${delay}`, task.event, task.id);
    task.timer = this.clock.setTimeout(() => this.start(task), delay * 1000);
  }

  private start(task: Task): void {
    task.state = "running";
    task.timer = undefined;
    this.running.add(task);
    this.log.info("start task", task.event, task.id);
    const started = task.event;
    task.done = (async () => {
      try {
        await this.run(jobEvent(task.event), task.id);
        this.log.info("task finished", started, task.id);
      } catch (err) {
        this.log.error(`task failed: ${(err as Error)?.stack ?? err}`, started, task.id);
      }
      this.finished(task);
    })();
  }

  private finished(task: Task): void {
    this.running.delete(task);
    if (!this.tasks.owns(task)) return; // a moved task took its path over (tasks.ts)
    if (task.rerun && !this.paused) {
      task.event = task.rerun;
      task.rerun = undefined;
      task.state = "delayed";
      this.arm(task, "re-run task");
    } else this.tasks.delete(task);
  }
}

const KEYS = ["job", "files", "dirs", "delay", "logname", "singlejob", "global_vars"];

/** Unknown keys and wrong types fail when the config loads, naming the class and key. */
function checkOptions(o: Record<string, unknown>, kind: string, extra: string[]): void {
  rejectUnknownKeys(o, [...KEYS, ...extra], kind);
  if (typeof o.job !== "function")
    throw new ConfigError(
      "must be a function (event, task_id) => …",
      `${kind}.job`,
      o.job,
      "job: async (event, task_id) => { … }",
    );
  if (o.delay !== undefined && !(typeof o.delay === "number" && o.delay >= 0))
    throw new ConfigError(
      "must be a number of seconds, 0 or more",
      `${kind}.delay`,
      o.delay,
      "e.g. delay: 60 (fractions work: 0.5)",
    );
  for (const k of ["files", "dirs", "singlejob"])
    if (o[k] !== undefined && typeof o[k] !== "boolean")
      throw new ConfigError("must be true or false", `${kind}.${k}`, o[k], `${k}: true or ${k}: false`);
}

/** pyinotifyd's attribute names on top of the event. */
export function jobEvent(ev: FsEvent): JobEvent {
  return { ...ev, pathname: ev.path, maskname: ev.names[0] ?? "", src_pathname: ev.from ?? "" };
}

/** Cancel(scheduler): as an event-map value, cancels that scheduler's task for the path. */
export class Cancel {
  constructor(readonly scheduler: TaskScheduler) {}
}
