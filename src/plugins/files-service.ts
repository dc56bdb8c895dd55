// PluginFiles: a service that watches the user plugin files a config uses, and plugins_dir,
// and loads a file again once a save has settled. It watches their folders, not the files:
// editors save by writing another file and renaming it over (the inode changes), and a new
// file in plugins_dir must be seen too. The code registry (code.ts) does the loading.

import { lastElement, parentPath, type FsEvent } from "../events/index.ts";
import { RELOAD_DEBOUNCE_MS } from "../supervisor/index.ts";
import type { Service, ServiceContext, WatchRequest } from "../supervisor/index.ts";
import { PLUGIN_FILE, type PluginCode } from "./code.ts";

const EVENTS = ["IN_CREATE", "IN_CLOSE_WRITE", "IN_MOVED_TO", "IN_MOVED_FROM", "IN_DELETE"] as const;

export class PluginFiles implements Service {
  readonly name = "plugin files";
  readonly ended = new Promise<number>(() => {});
  private readonly files: Set<string>;
  private readonly timers = new Map<string, unknown>();
  private ctx: ServiceContext | undefined;

  constructor(
    files: string[],
    private readonly dir: string | undefined,
    private readonly code: PluginCode,
  ) {
    this.files = new Set(files);
  }

  watches(): WatchRequest[] {
    const folders = new Set([...this.files].map(parentPath));
    if (this.dir !== undefined) folders.add(this.dir);
    return [...folders].map((root) => ({ root, recursive: false, events: [...EVENTS] }));
  }

  async start(ctx: ServiceContext): Promise<void> {
    this.ctx = ctx;
  }

  onEvent(ev: FsEvent): void {
    const ctx = this.ctx;
    if (!ctx || ev.kind === "gone" || ev.dir) return;
    const file = ev.path;
    const inDir = this.dir !== undefined && parentPath(file) === this.dir && PLUGIN_FILE.test(lastElement(file));
    if (!inDir && !this.files.has(file)) return;
    ctx.clock.clearTimeout(this.timers.get(file));
    this.timers.set(
      file,
      ctx.clock.setTimeout(() => {
        this.timers.delete(file);
        void this.code.changed(file);
      }, RELOAD_DEBOUNCE_MS),
    );
  }

  async stop(): Promise<void> {
    for (const t of this.timers.values()) this.ctx?.clock.clearTimeout(t);
    this.timers.clear();
    this.ctx = undefined;
  }
}
