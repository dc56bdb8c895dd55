// ShellScheduler: a command per event. pyinotifyd substituted {maskname}, {pathname} and
// {src_pathname} with three str.replace calls over the whole string, so a value holding
// a later placeholder broke the quoting (a crafted name ran `touch`). Here placeholders
// are replaced in one pass and each value is single-quoted; given as a list, the command
// runs without a shell at all. Values are also in the environment. Exit status and
// output are logged; a timeout kills the command. Each command runs in a process group
// of its own, so a timeout, or the shutdown timeout, ends everything it started
// (pyinotifyd left `sh -c 'a & b'`'s children running as orphans), and the log names
// each task ended: path, task id and process group.

import { ConfigError } from "../errors.ts";
import { eventEnv, eventValues, expandWords, PLACEHOLDER, shellQuote } from "./argv.ts";
import { BunProcessRunner, KILL_GRACE_MS, killGroupNow, type ProcessRunner } from "../process/runner.ts";
import { TaskScheduler, type Abandoned, type JobEvent, type TaskSchedulerOptions } from "./scheduler.ts";

export interface ShellSchedulerOptions extends Omit<TaskSchedulerOptions, "job"> {
  /** A shell command line with {maskname} {pathname} {src_pathname} (and {path} {name} …), or an argv list. */
  cmd: string | string[];
  /** Seconds before the command is killed. Default: none. */
  timeout?: number;
}

/** After SIGKILL, how long abandon() still waits for a command's output to close. */
const END_WAIT_MS = 1000;

/** A command running for a task. */
interface Command {
  event: JobEvent;
  pid?: number;
  stop: AbortController;
  done: Promise<unknown>;
}

export class ShellScheduler extends TaskScheduler {
  readonly cmd: string | string[];
  readonly timeout: number | undefined;
  private runner: ProcessRunner = new BunProcessRunner();
  /** By task id: one command at a time per task. */
  private readonly commands = new Map<string, Command>();

  constructor(options: ShellSchedulerOptions) {
    const { cmd, timeout, ...rest } = options;
    super({ ...rest, job: () => undefined }, "ShellScheduler");
    if (typeof cmd !== "string" && !(Array.isArray(cmd) && cmd.length > 0 && cmd.every((w) => typeof w === "string"))) {
      throw new ConfigError(
        "must be a command line or a list of arguments",
        "ShellScheduler.cmd",
        cmd,
        'cmd: "/usr/local/bin/task.sh {pathname}"',
      );
    }
    this.cmd = cmd;
    this.timeout = timeout;
  }

  useRunner(runner: ProcessRunner): void {
    this.runner = runner;
  }

  /** The argv a given event runs (exposed for --check and tests). */
  argvFor(ev: JobEvent): string[] {
    const values = eventValues(ev);
    if (Array.isArray(this.cmd)) return expandWords(this.cmd, values);
    const line = this.cmd.replace(PLACEHOLDER, (all, name: string) =>
      name in values ? shellQuote(values[name]!) : all,
    );
    return ["/bin/sh", "-c", line];
  }

  protected override async run(ev: JobEvent, taskId: string): Promise<void> {
    const argv = this.argvFor(ev);
    this.log.info(
      `execute shell command, cmd=${argv.length === 3 && argv[0] === "/bin/sh" ? argv[2] : JSON.stringify(argv)}`,
      ev,
      taskId,
    );
    const cmd: Command = { event: ev, stop: new AbortController(), done: Promise.resolve() };
    const running = this.runner.run({
      argv,
      env: { ...eventEnv(ev), SEEDWATCH_TASK_ID: taskId },
      timeoutMs: this.timeout === undefined ? undefined : this.timeout * 1000,
      output: "capture",
      group: true,
      signal: cmd.stop.signal,
      onStart: (pid) => (cmd.pid = pid),
    });
    cmd.done = running;
    this.commands.set(taskId, cmd);
    const r = await running.finally(() => this.commands.delete(taskId));
    const out = [r.stdout.trim() && `stdout: ${r.stdout.trim()}`, r.stderr.trim() && `stderr: ${r.stderr.trim()}`]
      .filter(Boolean)
      .join("; ");
    if (r.error) throw new Error(`could not start: ${r.error}`);
    if (r.aborted) throw new Error(`ended at shutdown (process group ${cmd.pid})${out ? `; ${out}` : ""}`);
    if (r.timedOut) throw new Error(`killed after ${this.timeout} s${out ? `; ${out}` : ""}`);
    if (r.code !== 0) throw new Error(`exit ${r.code ?? r.signal}${out ? `; ${out}` : ""}`);
    if (out) this.log.info(`command output: ${out}`, ev, taskId);
  }

  /** End each command still running, its whole process group, and say which. */
  protected override async abandon(tasks: Abandoned[]): Promise<void> {
    const ending: Promise<unknown>[] = [];
    for (const t of tasks) {
      const cmd = this.commands.get(t.id);
      if (!cmd) continue;
      this.log.warn(
        `shutdown: ending the command, pid=${cmd.pid} ` +
          `(its process group: SIGTERM, SIGKILL after ${KILL_GRACE_MS / 1000} s)`,
        t.event,
        t.id,
      );
      cmd.stop.abort();
      ending.push(cmd.done);
    }
    // Bounded: output held open by a process that left the group (its own setsid) must
    // not keep the daemon from exiting.
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([Promise.all(ending), new Promise((r) => (timer = setTimeout(r, KILL_GRACE_MS + END_WAIT_MS)))]);
    clearTimeout(timer);
  }

  override endNow(): void {
    for (const [id, cmd] of this.commands) {
      if (cmd.pid === undefined) continue;
      this.log.warn(`exiting: killing the command, pid=${cmd.pid}, and its process group`, cmd.event, id);
      killGroupNow(cmd.pid);
    }
  }
}
