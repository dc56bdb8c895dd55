// ShellScheduler: a command per event. pyinotifyd substituted {maskname}, {pathname} and
// {src_pathname} with three str.replace calls over the whole string, so a value holding
// a later placeholder broke the quoting (a crafted name ran `touch`). Here placeholders
// are replaced in one pass and each value is single-quoted; given as a list, the command
// runs without a shell at all. Values are also in the environment. Exit status and
// output are logged; a timeout kills the command.

import { ConfigError } from "../errors.ts";
import { eventEnv, eventValues, expandWords, shellQuote } from "./argv.ts";
import { BunProcessRunner, type ProcessRunner } from "./process.ts";
import { TaskScheduler, type JobEvent, type TaskSchedulerOptions } from "./scheduler.ts";

export interface ShellSchedulerOptions extends Omit<TaskSchedulerOptions, "job"> {
  /** A shell command line with {maskname} {pathname} {src_pathname} (and {path} {name} …), or an argv list. */
  cmd: string | string[];
  /** Seconds before the command is killed. Default: none. */
  timeout?: number;
}

const PLACEHOLDER = /\{([a-z_]+)\}/g;

export class ShellScheduler extends TaskScheduler {
  readonly cmd: string | string[];
  readonly timeout: number | undefined;
  private runner: ProcessRunner = new BunProcessRunner();

  constructor(options: ShellSchedulerOptions) {
    const { cmd, timeout, ...rest } = options;
    super({ ...rest, job: () => undefined }, "ShellScheduler");
    if (typeof cmd !== "string" && !(Array.isArray(cmd) && cmd.length > 0 && cmd.every((w) => typeof w === "string"))) {
      throw new ConfigError("must be a command line or a list of arguments", "ShellScheduler.cmd", cmd, 'cmd: "/usr/local/bin/task.sh {pathname}"');
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
    const line = this.cmd.replace(PLACEHOLDER, (all, name: string) => (name in values ? shellQuote(values[name]!) : all));
    return ["/bin/sh", "-c", line];
  }

  protected override async run(ev: JobEvent, taskId: string): Promise<void> {
    const argv = this.argvFor(ev);
    this.log.info(`execute shell command, cmd=${argv.length === 3 && argv[0] === "/bin/sh" ? argv[2] : JSON.stringify(argv)}`, ev, taskId);
    const r = await this.runner.run({
      argv,
      env: { ...eventEnv(ev), SEEDWATCH_TASK_ID: taskId },
      timeoutMs: this.timeout === undefined ? undefined : this.timeout * 1000,
      output: "capture",
    });
    const out = [r.stdout.trim() && `stdout: ${r.stdout.trim()}`, r.stderr.trim() && `stderr: ${r.stderr.trim()}`].filter(Boolean).join("; ");
    if (r.error) throw new Error(`could not start: ${r.error}`);
    if (r.timedOut) throw new Error(`killed after ${this.timeout} s${out ? `; ${out}` : ""}`);
    if (r.code !== 0) throw new Error(`exit ${r.code ?? r.signal}${out ? `; ${out}` : ""}`);
    if (out) this.log.info(`command output: ${out}`, ev, taskId);
  }
}
