// Supervisor: one watcher, one clock and the services of a process. It adds what the
// services need to the watcher, starts them, hands each the events of its roots, swaps
// them on reload, and stops them at the end.
//
// Theory of operation
// - add(services): the union of their roots is watched first (RouteTable decides which
//   roots, shared or served from above), then each is started in order, so a service
//   that reconciles with the disk misses nothing. All or nothing: if a root cannot be
//   watched or a service fails to start, what this call started is stopped, its roots
//   are released, and the error is thrown; services already running go on untouched.
// - replace(old, next): next is added as above; only then is old retired (no more
//   events, stop() called and left to finish in the background). A failure leaves old
//   running. remove(service) retires one and waits for it.
// - Reloads (SIGHUP, a service's ctx.reload) run one at a time through `deps.reload`.
// - A root whose claims ask for poll is added to a PollWatcher (one per interval, made on
//   first use) instead of the main watcher; events from either are routed the same way.
// - stop(why) ends run(): a reload under way finishes, then every service is retired, in
//   reverse order of start (their stops run together), then the watcher closes. run()
//   also ends when a service ends by itself, with its exit code. A second stop() during
//   shutdown ends run() at once with EXIT.interrupted, after endNow() on every service.

import { realClock, type Clock } from "../clock.ts";
import { EXIT } from "../errors.ts";
import { trimSlashes, type FsEvent } from "../events/index.ts";
import { log } from "../log.ts";
import { PollWatcher, type Watcher, type WatcherHandlers } from "../watch/index.ts";
import { plainSubdirectory } from "./reachable.ts";
import { RouteTable, type Reachable } from "./routes.ts";
import type { Service, ServiceContext, WatchRequest } from "./service.ts";

export interface SupervisorDeps {
  makeWatcher(handlers: WatcherHandlers): Watcher;
  /** For roots that ask to be polled (WatchRequest.poll). Default: a PollWatcher. */
  makePollWatcher?(handlers: WatcherHandlers, intervalMs: number): Watcher;
  clock?: Clock;
  /** Tag of the supervisor's own log lines. */
  tag?: string;
  /** Called for each reload, one at a time; reports its own errors. */
  reload?(why: string): Promise<void>;
  /** Default: the real filesystem (realpath). */
  reachable?: Reachable;
}

export class Supervisor {
  readonly clock: Clock;
  private readonly watcher: Watcher;
  /** Poll watchers by interval, made on first use. */
  private readonly pollers = new Map<number, Watcher>();
  /** Which watcher holds each root now. */
  private readonly holders = new Map<string, Watcher>();
  private readonly table: RouteTable<Service>;
  /** Started, in order of start. */
  private readonly running: Service[] = [];
  /** Retired and still stopping. */
  private readonly retiring = new Map<Service, Promise<void>>();
  private readonly log;
  private syncing: Promise<void> = Promise.resolve();
  private reloading: Promise<void> = Promise.resolve();
  private stopRequested = false;
  private closing = false;
  private finish!: (code: number) => void;
  private readonly done = new Promise<number>((r) => (this.finish = r));
  private interrupt!: (code: number) => void;
  private readonly interrupted = new Promise<number>((r) => (this.interrupt = r));

  constructor(private readonly deps: SupervisorDeps) {
    this.clock = deps.clock ?? realClock;
    this.log = log.withTag(deps.tag ?? "supervisor");
    this.table = new RouteTable(deps.reachable ?? plainSubdirectory);
    this.watcher = deps.makeWatcher({ onEvent: (ev) => this.deliver(ev) });
  }

  /** Watch what `services` need, then start them in order; all or nothing (see above). */
  async add(services: Service[]): Promise<void> {
    for (const s of services) this.table.claim(s, s.watches());
    const started: Service[] = [];
    try {
      await this.sync();
      for (const s of services) {
        await s.start(this.contextOf(s));
        started.push(s);
        this.running.push(s);
        void s.ended.then((code) => this.ended(s, code));
      }
    } catch (err) {
      for (const s of services) this.table.release(s);
      for (const s of started.reverse()) await this.retire(s, false);
      await this.sync().catch((e) => this.log.error(`${e.message ?? e}`));
      throw err;
    }
  }

  /** Add `next`, then retire `old` (it finishes in the background); on error `old` keeps running. */
  async replace(old: Service[], next: Service[]): Promise<void> {
    await this.add(next);
    for (const s of old) void this.retire(s, true);
  }

  /** Retire one service and wait until it has stopped. */
  remove(service: Service): Promise<void> {
    return this.retire(service, true);
  }

  /** Queue a reload; refused once shutdown has begun. */
  reload(why: string): void {
    if (this.stopRequested || this.closing) return this.log.warn(`${why}, but shutdown is already in progress`);
    const reload = this.deps.reload;
    if (!reload) return;
    this.reloading = this.reloading.then(() => reload(why)).catch((err) => this.log.error(`reload failed: ${err}`));
  }

  /** Every running service reopens the files it writes to (SIGUSR1: logrotate moved them). */
  reopen(why: string): void {
    this.log.info(`${why}: reopening log files`);
    for (const s of this.running) s.reopen?.();
  }

  /** Begin shutdown; a second call during it ends run() at once (see above). */
  stop(why: string): void {
    if (!this.stopRequested) {
      this.stopRequested = true;
      this.log.info(`${why}, shutdown`);
      return this.finish(EXIT.ok);
    }
    this.log.warn(`${why}, but shutdown is already in progress; exiting now`);
    for (const s of [...this.running, ...this.retiring.keys()]) s.endNow?.();
    this.interrupt(EXIT.interrupted);
  }

  /** Run until stop() or a service ends by itself, then shut down; the exit code. */
  run(): Promise<number> {
    const shutdown = (async () => {
      const code = await this.done;
      this.closing = true;
      await this.reloading;
      for (const s of [...this.running].reverse()) void this.retire(s, false);
      await Promise.all(this.retiring.values());
      await this.syncing;
      await this.watcher.close();
      for (const p of this.pollers.values()) await p.close();
      return code;
    })();
    return Promise.race([shutdown, this.interrupted]);
  }

  // --- internal ---

  private deliver(ev: FsEvent): void {
    for (const [service, event] of this.table.route(ev)) {
      try {
        service.onEvent(event);
      } catch (err) {
        this.log.error(`${service.name}: event handler failed: ${(err as Error).stack ?? err}`);
      }
    }
  }

  private ended(service: Service, code: number): void {
    if (!this.running.includes(service)) return; // stopped by us: not its own end
    this.log.debug(`${service.name} ended by itself (exit ${code})`);
    this.finish(code);
  }

  /** No more events for `service`; stop it. `resync`: drop the roots nobody needs now. */
  private retire(service: Service, resync: boolean): Promise<void> {
    const known = this.retiring.get(service);
    if (known) return known;
    const i = this.running.indexOf(service);
    if (i >= 0) this.running.splice(i, 1);
    this.table.release(service);
    if (resync) void this.sync().catch((e) => this.log.error(`${e.message ?? e}`));
    const stopping = service
      .stop()
      .catch((err) => this.log.error(`${service.name}: stopping failed: ${(err as Error).stack ?? err}`))
      .finally(() => this.retiring.delete(service));
    this.retiring.set(service, stopping);
    return stopping;
  }

  /** Make the watcher hold what the table says: removals first, then additions (may throw). */
  private sync(): Promise<void> {
    const next = this.syncing.then(async () => {
      const { remove, add } = this.table.diff();
      for (const root of remove) this.unwatch(root);
      for (const [root, plan] of add) {
        if (this.table.isWatched(root)) {
          this.log.debug(`re-watching ${root}: it now serves more than it was added for`);
          this.unwatch(root);
        }
        const watcher = this.watcherFor(plan.poll);
        await watcher.add(root, plan);
        this.holders.set(root, watcher);
        this.table.setWatched(root, plan);
      }
    });
    this.syncing = next.catch(() => {});
    return next;
  }

  private unwatch(root: string): void {
    (this.holders.get(root) ?? this.watcher).remove(root);
    this.holders.delete(root);
    this.table.setWatched(root, undefined);
  }

  private watcherFor(poll: number | undefined): Watcher {
    if (poll === undefined) return this.watcher;
    let w = this.pollers.get(poll);
    if (!w) {
      const handlers = { onEvent: (ev: FsEvent) => this.deliver(ev) };
      w = this.deps.makePollWatcher?.(handlers, poll) ?? new PollWatcher(handlers, poll);
      this.pollers.set(poll, w);
    }
    return w;
  }

  private contextOf(service: Service): ServiceContext {
    return { clock: this.clock, watcher: this.viewFor(service), reload: (why) => this.reload(why) };
  }

  /** A service's own view of the watcher: what it adds is claimed for it (pre_loop hooks do this). */
  private viewFor(service: Service): Watcher {
    return {
      add: async (path, options = {}) => {
        const request: WatchRequest = { ...options, root: trimSlashes(path) };
        this.table.claim(service, [request]);
        try {
          await this.sync();
        } catch (err) {
          this.table.release(service, request.root);
          await this.sync().catch(() => {});
          throw err;
        }
      },
      remove: (path) => {
        this.table.release(service, trimSlashes(path));
        void this.sync().catch((e) => this.log.error(`${e.message ?? e}`));
      },
      roots: () => this.table.rootsOf(service),
      stats: () => this.watcher.stats(),
      close: async () => {
        this.table.release(service);
        await this.sync();
      },
    };
  }
}

/**
 * run --check: each root the services would watch is added, alone and not recursively,
 * to a watcher that is then closed: the errors a start would give, in its order, and
 * nothing started.
 */
export async function checkRoots(services: Service[], makeWatcher: SupervisorDeps["makeWatcher"]): Promise<void> {
  const watcher = makeWatcher({ onEvent: () => {} });
  try {
    for (const s of services) for (const r of s.watches()) await watcher.add(r.root, { recursive: false, events: [] });
  } finally {
    await watcher.close();
  }
}
