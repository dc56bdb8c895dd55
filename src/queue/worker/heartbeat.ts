// Heartbeat: while a worker holds leases, it extends them (albums/extend,
// downloads/extend) at a third of their length, so a task that takes long (a rate-limited
// site, a slow download) is not handed to another worker meanwhile. A lease the
// coordinator no longer recognises ("lost-lease": it ran out and another worker has the
// task) is dropped and reported, so its result is not submitted twice. A failed extend is
// logged and tried again at the next beat; the lease's own length is the margin.

import type { Clock } from "../../clock.ts";
import { log } from "../../log.ts";
import type { LeaseRef, Outcome } from "../model.ts";

const out = log.withTag("worker");

/** Never beat more often than this, whatever the lease. */
export const MIN_BEAT_MS = 200;

export class Heartbeat {
  private readonly held = new Map<number, LeaseRef>();
  private readonly lost = new Set<number>();
  private timer: unknown;
  private beating: Promise<void> = Promise.resolve();

  constructor(
    private readonly what: "album" | "download",
    private readonly extend: (refs: LeaseRef[]) => Promise<Outcome[]>,
    private readonly clock: Clock,
    private readonly everyMs: number,
  ) {}

  /** The interval for a lease of `leaseMs` (a third of it, at least MIN_BEAT_MS). */
  static interval(leaseMs: number): number {
    return Math.max(MIN_BEAT_MS, Math.floor(leaseMs / 3));
  }

  hold(refs: LeaseRef[]): void {
    for (const r of refs) this.held.set(r.id, { id: r.id, lease: r.lease });
    if (this.held.size > 0 && this.timer === undefined) this.schedule();
  }

  release(id: number): void {
    this.held.delete(id);
    if (this.held.size === 0) this.cancel();
  }

  /** Whether the coordinator said this lease is no longer ours. */
  isLost(id: number): boolean {
    return this.lost.has(id);
  }

  /** Stop beating (after the last release, or at the end); waits for a beat under way. */
  async stop(): Promise<void> {
    this.cancel();
    await this.beating;
  }

  // --- internal ---

  private schedule(): void {
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.beating = this.beat().finally(() => {
        if (this.held.size > 0 && this.timer === undefined) this.schedule();
      });
    }, this.everyMs);
  }

  private cancel(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async beat(): Promise<void> {
    const refs = [...this.held.values()];
    if (refs.length === 0) return;
    try {
      const outcomes = await this.extend(refs);
      refs.forEach((r, i) => {
        if (outcomes[i] === "ok" || !this.held.has(r.id)) return;
        out.warn(`${this.what} ${r.id}: the lease is no longer ours (${outcomes[i]}); its result will not be sent`);
        this.lost.add(r.id);
        this.held.delete(r.id);
      });
      out.debug(`extended ${refs.length} ${this.what} lease${refs.length === 1 ? "" : "s"}`);
    } catch (err) {
      out.warn(`extending ${this.what} leases failed (${(err as Error).message}); trying again at the next beat`);
    }
  }
}
