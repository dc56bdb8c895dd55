// The libc symbol table: dlopen once, lazily, and nothing else. rb-inotify style: the
// only place seedwatch touches raw FFI. Paths are passed as NUL-terminated byte buffers
// (never JS strings), so names that are not UTF-8 reach the kernel unchanged.

import { dlopen, read as peek, type Pointer } from "bun:ffi";

const SYMBOLS = {
  inotify_init1: { args: ["i32"], returns: "i32" },
  inotify_add_watch: { args: ["i32", "ptr", "u32"], returns: "i32" },
  inotify_rm_watch: { args: ["i32", "i32"], returns: "i32" },
  read: { args: ["i32", "ptr", "u64"], returns: "i64" },
  close: { args: ["i32"], returns: "i32" },
  open: { args: ["ptr", "i32", "u32"], returns: "i32" },
  fcntl: { args: ["i32", "i32", "i64"], returns: "i32" },
  _exit: { args: ["i32"], returns: "void" },
  __errno_location: { args: [], returns: "ptr" },
} as const;

/** glibc first (what the binary is built for), then the musl and generic names. */
const CANDIDATES = ["libc.so.6", "libc.so", "libc.musl-x86_64.so.1"];

export interface Libc {
  inotify_init1(flags: number): number;
  inotify_add_watch(fd: number, path: Uint8Array, mask: number): number;
  inotify_rm_watch(fd: number, wd: number): number;
  read(fd: number, buf: Uint8Array, count: number): number;
  close(fd: number): number;
  open(path: Uint8Array, flags: number, mode: number): number;
  fcntl(fd: number, cmd: number, arg: number): number;
  /** End the whole process now, from any thread (the hook watchdog: a Worker's process.exit ends only the Worker). */
  _exit(status: number): never;
  /** errno of the last failed call on this thread. */
  errno(): number;
}

/** Thrown when no libc with the inotify symbols can be loaded. */
export class LibcUnavailable extends Error {
  constructor(
    readonly tried: string[],
    readonly reasons: string[],
  ) {
    super(`could not load libc (tried ${tried.join(", ")}): ${reasons.at(-1) ?? "unknown"}`);
    this.name = "LibcUnavailable";
  }
}

let loaded: Libc | undefined;

/** The libc symbols, loaded on first use. Throws `LibcUnavailable`. */
export function libc(): Libc {
  if (loaded) return loaded;
  const reasons: string[] = [];
  for (const name of CANDIDATES) {
    try {
      const { symbols: s } = dlopen(name, SYMBOLS);
      const errnoPtr = s.__errno_location;
      loaded = {
        inotify_init1: (flags) => s.inotify_init1(flags),
        inotify_add_watch: (fd, path, mask) => s.inotify_add_watch(fd, path, mask),
        inotify_rm_watch: (fd, wd) => s.inotify_rm_watch(fd, wd),
        read: (fd, buf, count) => Number(s.read(fd, buf, count)),
        close: (fd) => s.close(fd),
        open: (path, flags, mode) => s.open(path, flags, mode),
        fcntl: (fd, cmd, arg) => s.fcntl(fd, cmd, arg),
        _exit: (status) => {
          s._exit(status);
          throw new Error("_exit returned"); // never reached: it does not return
        },
        errno: () => peek.i32(errnoPtr() as Pointer, 0),
      };
      return loaded;
    } catch (err) {
      reasons.push(`${name}: ${(err as Error).message}`);
    }
  }
  throw new LibcUnavailable(CANDIDATES, reasons);
}
