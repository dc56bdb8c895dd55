// ReloadOnSave: a service that asks for a reload when a file is saved (a run config).
// Editors save by writing a new file and renaming it over the old, so it watches the
// directory; a burst of writes is read once it has settled.

import { dirname } from "node:path";
import type { FsEvent } from "../events/index.ts";
import type { Service, ServiceContext, WatchRequest } from "./service.ts";

/** A burst of writes to the file (an editor's save) is read once it settles. */
export const RELOAD_DEBOUNCE_MS = 200;

export class ReloadOnSave implements Service {
  readonly name: string;
  readonly ended = new Promise<number>(() => {});
  private ctx: ServiceContext | undefined;
  private timer: unknown;

  constructor(private readonly path: string) {
    this.name = `watch of ${path}`;
  }

  watches(): WatchRequest[] {
    return [{ root: dirname(this.path), recursive: false, events: ["IN_CLOSE_WRITE", "IN_MOVED_TO", "IN_CREATE"] }];
  }

  async start(ctx: ServiceContext): Promise<void> {
    this.ctx = ctx;
  }

  onEvent(ev: FsEvent): void {
    const ctx = this.ctx;
    if (!ctx || ev.path !== this.path || ev.kind === "delete") return;
    ctx.clock.clearTimeout(this.timer);
    this.timer = ctx.clock.setTimeout(() => ctx.reload("config file changed"), RELOAD_DEBOUNCE_MS);
  }

  async stop(): Promise<void> {
    this.ctx?.clock.clearTimeout(this.timer);
    this.ctx = undefined;
  }
}
