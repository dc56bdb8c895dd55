// native/: the FFI layer. Only src/watch/inotify.ts imports it, and one narrow exception:
// src/hooks/watchdog-thread.ts calls libc's _exit, because from a Worker thread only that
// ends a process whose main thread is stuck in a user hook.
export * from "./constants.ts";
export { parseEvents, type InotifyRecord, type Parsed } from "./parse.ts";
export { libc, LibcUnavailable, type Libc } from "./libc.ts";
