// native/: the FFI layer. Only src/watch/inotify.ts imports it.
export * from "./constants.ts";
export { parseEvents, type InotifyRecord, type Parsed } from "./parse.ts";
export { libc, LibcUnavailable, type Libc } from "./libc.ts";
