// WatchPlugins: the plugins of one watched root, as a service under the supervisor. The
// supervisor places the watch first; start() then attaches each plugin and queues its
// init, so nothing that happens from then on is missed (iObserver sent WATCH_INIT before
// its watch existed). Each event goes to every plugin that wants it, into that plugin's
// own queue: a slow plugin holds up no other, nor the rules' event maps.
//
// A config reload that keeps this watch calls update(): plugins removed get dead, new ones
// init, and only those whose options changed get reconfig. The root going away sends
// `gone`, then dead, to each; the daemon goes on. stop() sends dead and waits for the
// plugins to finish, up to the config's shutdown timeout.

import type { Clock } from "../clock.ts";
import type { FsEvent } from "../events/index.ts";
import { log } from "../log.ts";
import type { Service, ServiceContext, WatchRequest } from "../supervisor/index.ts";
import { isWatchEvent, type AttachedPlugin } from "./plugin.ts";
import type { PlannedPlugin, PluginWatch } from "./runtime.ts";

/** Makes one plugin on one root (PluginRuntime.attach; a fake in tests). */
export type Attach = (p: PlannedPlugin, root: string) => AttachedPlugin;

interface Running {
  planned: PlannedPlugin;
  plugin: AttachedPlugin;
}

export class WatchPlugins implements Service {
  readonly name: string;
  /** Plugins never end the daemon: a root that is gone ends its plugins only. */
  readonly ended = new Promise<number>(() => {});
  private readonly running = new Map<string, Running>();
  private clock: Clock | undefined;
  private gone = false;
  /** What stop() tells the plugins (a reload that drops the watch says so). */
  stopReason = "the daemon stops";
  private readonly log = log.withTag("plugins");

  constructor(
    private watch: PluginWatch,
    private readonly attachTo: Attach,
    /** How long stop() waits for plugins to finish. */
    private readonly shutdownMs: number,
  ) {
    this.name = `plugins of ${watch.root}`;
  }

  get key(): string {
    return this.watch.key;
  }

  watches(): WatchRequest[] {
    return [this.watch.request];
  }

  async start(ctx: ServiceContext): Promise<void> {
    this.clock = ctx.clock;
    for (const p of this.watch.plugins) this.attach(p);
    this.log.info(`${this.watch.root}: ${[...this.running.values()].map((r) => r.plugin.label).join(", ")}`);
  }

  onEvent(ev: FsEvent): void {
    if (this.gone) return;
    const name = ev.names[0];
    for (const { plugin } of this.running.values())
      if (isWatchEvent(ev) || (name !== undefined && plugin.events.has(name as never))) plugin.event(ev);
    if (ev.kind === "gone") {
      this.gone = true;
      this.log.warn(`${this.watch.root} is gone: its plugins end`);
      for (const { plugin } of this.running.values()) plugin.dead("the watched directory is gone");
    }
  }

  /** A config reload kept this watch: its plugins as `next` has them. */
  update(next: PluginWatch): void {
    const before = this.running;
    this.watch = next;
    if (this.gone) return;
    const keys = new Set(next.plugins.map((p) => p.key));
    for (const [key, r] of before)
      if (!keys.has(key)) {
        r.plugin.dead("it was removed from the config");
        before.delete(key);
      }
    for (const p of next.plugins) {
      const r = before.get(p.key);
      if (!r) this.attach(p);
      else {
        if (JSON.stringify(r.planned.spec.options) !== JSON.stringify(p.spec.options))
          r.plugin.reconfig(p.spec.options);
        r.planned = p;
      }
    }
  }

  reopen(): void {
    for (const { plugin } of this.running.values()) plugin.reopen?.();
  }

  async stop(): Promise<void> {
    const plugins = [...this.running.values()].map((r) => r.plugin);
    if (!this.gone) for (const p of plugins) p.dead(this.stopReason);
    let timer: unknown;
    const deadline = new Promise<"late">((r) => (timer = this.clock?.setTimeout(() => r("late"), this.shutdownMs)));
    const done = await Promise.race([Promise.all(plugins.map((p) => p.idle())), deadline]);
    this.clock?.clearTimeout(timer);
    if (done === "late") {
      this.log.warn(`${this.watch.root}: plugins still busy after ${this.shutdownMs / 1000} s; not waiting longer`);
      for (const p of plugins) (p as { abandon?: () => void }).abandon?.();
    }
  }

  // --- internal ---

  private attach(p: PlannedPlugin): void {
    const plugin = this.attachTo(p, this.watch.root);
    this.running.set(p.key, { planned: p, plugin });
    plugin.init();
  }
}
