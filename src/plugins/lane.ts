// Lane: one user plugin's calls, in order, one at a time, so that a slow or broken plugin
// holds up nothing but itself.
//
// Theory of operation
// - Calls queue; each runs through callHook (hooks/call.ts): under the watchdog (a
//   synchronous loop ends the process with exit 12), what it throws or rejects caught and
//   logged with the plugin's name, the event and the stack.
// - A call that has not settled after `timeoutMs` is reported as hung. The lane waits for
//   it to settle (the plugin is not called twice at once), and events queue meanwhile up
//   to `limit`; beyond that they are dropped and counted, and the count is logged when
//   the lane moves again (or at the end). Lifecycle calls (init, reconfig, dead) are never
//   dropped.
// - `maxFailures` failures in a row disable the plugin with a warning: later calls are
//   dropped (and counted) until reset() (its file was loaded again).

import type { Clock } from "../clock.ts";
import { callHook } from "../hooks/call.ts";
import { withStack } from "../log.ts";
import type { PluginLog } from "./plugin.ts";

/** Calls waiting behind a hung one before later events are dropped. */
export const LANE_LIMIT = 10_000;
/** Failures in a row that disable a plugin. */
export const MAX_FAILURES = 10;

export interface LaneCall {
  /** "event", "init", "reconfig", "dead". */
  what: string;
  /** What it is about, for the log: "create /srv/in/x". */
  subject?: string;
  fn: () => unknown;
}

export interface LaneOptions {
  /** The plugin's name, as the log says it. */
  name: string;
  timeoutMs: number;
  clock: Clock;
  log: PluginLog;
  limit?: number;
  maxFailures?: number;
}

export class Lane {
  private readonly queue: LaneCall[] = [];
  private running = false;
  private failures = 0;
  private disabled = false;
  private dropped = 0;
  private generation = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly o: LaneOptions) {}

  push(call: LaneCall): void {
    const lifecycle = call.what !== "event";
    if (!lifecycle && (this.disabled || this.queue.length >= (this.o.limit ?? LANE_LIMIT))) {
      if (this.dropped++ === 0 && !this.disabled)
        this.o.log.warn(
          `${this.queue.length} events are waiting for plugin ${this.o.name}; ` +
            `later ones are dropped and counted until it catches up`,
        );
      return;
    }
    if (lifecycle && this.disabled) return;
    this.queue.push(call);
    if (!this.running) void this.run();
  }

  /** Its code was loaded again: enabled again, and no longer waiting for a call of the old code. */
  reset(): void {
    this.reportDropped();
    this.generation++;
    this.failures = 0;
    this.disabled = false;
    this.running = false;
    if (this.queue.length) void this.run();
    else for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Nothing more will come: a disabled plugin's missed events are said now (a running lane says so when idle). */
  end(): void {
    if (this.disabled) this.reportDropped();
  }

  /** Settles when nothing is queued or running. */
  idle(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** Calls still queued (at the end: given up), and events dropped, reported once. */
  abandon(): void {
    const left = this.queue.filter((c) => c.what === "event").length;
    this.queue.length = 0;
    if (left) this.o.log.warn(`plugin ${this.o.name}: ${left} queued events were not handled (the daemon stops)`);
    this.reportDropped();
  }

  // --- internal ---

  private async run(): Promise<void> {
    const generation = this.generation;
    this.running = true;
    while (this.queue.length > 0 && generation === this.generation) {
      const call = this.queue.shift()!;
      if (this.disabled) {
        if (call.what === "event") this.dropped++;
        continue;
      }
      await this.call(call, generation);
    }
    if (generation !== this.generation) return; // reset(): a newer run took over
    this.running = false;
    this.reportDropped();
    for (const w of this.idleWaiters.splice(0)) w();
  }

  private async call(call: LaneCall, generation: number): Promise<void> {
    let settled: Promise<unknown> = Promise.resolve();
    const started = this.o.clock.now();
    const hook = `plugin ${this.o.name} ${call.what}`;
    const r = await callHook(
      { hook, subject: call.subject },
      () => {
        const value = call.fn();
        settled = Promise.resolve(value).catch(() => {});
        return value;
      },
      [],
      this.o.timeoutMs,
      this.o.clock,
    );
    if (r.ok) {
      this.failures = 0;
      return;
    }
    if (r.kind === "timeout") {
      this.o.log.warn(`${r.error}; its later events wait (up to ${this.o.limit ?? LANE_LIMIT})`);
      await settled;
      if (generation !== this.generation) return;
      const s = ((this.o.clock.now() - started) / 1000).toFixed(1);
      this.o.log.info(`plugin ${this.o.name} ${call.what} settled after ${s} s; its events go on`);
      return;
    }
    if (r.kind === "skipped") return;
    this.o.log.error(withStack(r.error, r.stack));
    if (++this.failures >= (this.o.maxFailures ?? MAX_FAILURES)) {
      this.disabled = true;
      this.o.log.warn(
        `plugin ${this.o.name} disabled after ${this.failures} failures in a row; ` +
          `save its file (or reload the config) to load it again`,
      );
    }
  }

  private reportDropped(): void {
    if (this.dropped === 0) return;
    const why = this.disabled ? "while it was disabled" : "while it was behind";
    const n = this.dropped === 1 ? "1 event was" : `${this.dropped} events were`;
    this.o.log.warn(`plugin ${this.o.name}: ${n} dropped ${why}`);
    this.dropped = 0;
  }
}
