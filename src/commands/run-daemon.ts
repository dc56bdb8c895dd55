// The run verb's wiring of daemon/config.ts: the real watcher, clock and signals, and the
// rtorrent section's progress on a terminal. (`seedwatch service` checks configs with it too.)

import { resolve } from "node:path";
import { realClock } from "../clock.ts";
import * as config from "../daemon/config.ts";
import type { ValidConfig } from "../rules/config.ts";
import { InotifyWatcher, type WatcherHandlers } from "../watch/index.ts";
import { indexView } from "./index-view.ts";

const inotify = (handlers: WatcherHandlers) => new InotifyWatcher(handlers);

/** run --check: load, validate, and refuse what run would refuse, starting nothing. */
export function checkConfig(configPath: string): Promise<ValidConfig> {
  return config.checkConfig(resolve(configPath), inotify);
}

/** Run the config until a signal (or its rtorrent session goes away); the exit code. */
export function superviseConfig(configPath: string, hookTimeoutMs: number): Promise<number> {
  return config.superviseConfig(resolve(configPath), {
    makeWatcher: inotify,
    clock: realClock,
    signals: process,
    hookTimeoutMs,
    indexView: indexView(),
  });
}
