// The --exec side of `seedwatch watch`: a queue of events, at most `jobs` commands at
// once, each run without a shell. Failures are logged with the path and never stop the
// watch.

import { hasEscapes, type FsEvent } from "../events/index.ts";
import { log } from "../log.ts";
import {
  eventEnv,
  eventValues,
  EVENT_PLACEHOLDERS,
  expandWords,
  splitCommand,
  usesPlaceholders,
} from "../rules/argv.ts";
import { BunProcessRunner, requireCommand, type ProcessRunner } from "../process/runner.ts";

export class ExecQueue {
  private readonly words: string[];
  private readonly append: boolean;
  private readonly queue: FsEvent[] = [];
  private running = 0;
  private idle: (() => void) | undefined;
  private readonly log = log.withTag("exec");

  constructor(
    template: string,
    private readonly jobs: number,
    private readonly timeoutMs: number | undefined,
    private readonly runner: ProcessRunner = new BunProcessRunner(),
  ) {
    this.words = splitCommand(template, "--exec");
    requireCommand(this.words[0]!, "--exec");
    this.append = !usesPlaceholders(this.words, EVENT_PLACEHOLDERS);
  }

  push(ev: FsEvent): void {
    if (ev.kind === "overflow" || ev.kind === "rescanned") return;
    this.queue.push(ev);
    this.pump();
  }

  /** Wait for running commands; commands not started yet are dropped (and counted). */
  async drain(): Promise<void> {
    if (this.queue.length) this.log.warn(`stopping: ${this.queue.length} queued command(s) not run`);
    this.queue.length = 0;
    if (this.running === 0) return;
    await new Promise<void>((resolve) => (this.idle = resolve));
  }

  // --- internal ---

  private pump(): void {
    while (this.running < this.jobs && this.queue.length > 0) {
      const ev = this.queue.shift()!;
      this.running++;
      void this.runOne(ev).finally(() => {
        this.running--;
        if (this.running === 0 && this.queue.length === 0) this.idle?.();
        this.pump();
      });
    }
  }

  private async runOne(ev: FsEvent): Promise<void> {
    if (hasEscapes(ev.path))
      this.log.warn(`${JSON.stringify(ev.path)} is not UTF-8: the command gets U+FFFD for its bad bytes`);
    const argv = expandWords(this.words, eventValues(ev));
    if (this.append) argv.push(ev.path);
    const r = await this.runner.run({ argv, env: eventEnv(ev), timeoutMs: this.timeoutMs, output: "inherit" });
    const what = `${argv[0]} for ${JSON.stringify(ev.path)}`;
    if (r.error) this.log.error(`${what}: could not start: ${r.error}`);
    else if (r.timedOut) this.log.warn(`${what}: killed after ${this.timeoutMs} ms`);
    else if (r.code !== 0) this.log.warn(`${what}: exit ${r.code ?? r.signal}`);
    else this.log.debug(`${what}: ok in ${r.durationMs.toFixed(0)} ms`);
  }
}
