export type { Watcher, WatchOptions, WatchProblem, WatcherStats, WatcherHandlers } from "./watcher.ts";
export { fileBeingWritten, InotifyWatcher, type InotifyWatcherOptions } from "./inotify.ts";
export { PollWatcher, DEFAULT_POLL_MS } from "./poll.ts";
export { makeFilter, isExcluded, isReported, NO_FILTER, type PathFilter, type FilterSpec } from "./filter.ts";
