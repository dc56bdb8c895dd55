// SeedError and its kinds. Every error a user can cause carries a one-line message, a
// hint (printed as "hint: …") and an exit code; src/main.ts prints them and exits. Library code
// throws these and never calls process.exit.

import { constants as osConstants } from "node:os";

/** Exit codes: each kind of failure has its own, listed in README.md. */
export const EXIT = {
  ok: 0,
  internal: 1, // a bug: an error that is not a SeedError
  usage: 2, // unknown flag, missing or malformed argument
  config: 3, // a value that does not validate: bad regex, bad event name, bad config key
  notFound: 4, // a path that does not exist
  notDirectory: 5, // a file where a directory was needed
  permission: 6, // EACCES / EPERM
  watchLimit: 7, // inotify watch or instance limit reached
  native: 8, // libc or inotify unavailable, another system call failed
  hook: 9, // a user hook or config module failed to load
  http: 10, // an HTTP peer failed
  database: 11, // the index cannot be opened or written
  hookHung: 12, // user code blocked the process past its timeout; the service manager restarts us
  unidentified: 13, // queue identify: a path fit no torrent, or several, or could not be read
  interrupted: 130, // SIGINT during a one-shot job
} as const;

export class SeedError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(message: string, opts: { code: string; hint?: string; exitCode: number; cause?: unknown }) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = opts.code;
    this.hint = opts.hint;
    this.exitCode = opts.exitCode;
  }
}

export class UsageError extends SeedError {
  constructor(message: string, hint?: string) {
    super(message, { code: "usage", exitCode: EXIT.usage, ...(hint ? { hint } : {}) });
  }
}

/** A value that does not validate; `field` is the option or config path that holds it. */
export class ConfigError extends SeedError {
  constructor(
    message: string,
    readonly field: string,
    readonly value?: unknown,
    hint?: string,
  ) {
    super(`${field}: ${message}`, { code: "config", exitCode: EXIT.config, ...(hint ? { hint } : {}) });
  }
}

/** A failed system call, named with its errno; the exit code follows the errno. */
export class NativeError extends SeedError {
  constructor(
    readonly syscall: string,
    readonly errno: number,
    readonly errnoName: string,
    readonly path?: string,
    hint?: string,
  ) {
    super(`${syscall}${path === undefined ? "" : ` ${JSON.stringify(path)}`}: ${describeErrno(errnoName)}`, {
      code: errnoName,
      exitCode: exitCodeForErrno(errnoName),
      ...(hint ? { hint } : {}),
    });
  }
}

/** A NativeError from an errno name ("ENOENT"), or from a node:fs error that carries one. */
export function nativeError(
  syscall: string,
  from: string | NodeJS.ErrnoException,
  path?: string,
  hint?: string,
): NativeError {
  const name = typeof from === "string" ? from : (from.code ?? "EIO");
  const errno = (osConstants.errno as Record<string, number>)[name] ?? 0;
  return new NativeError(syscall, errno, name, path, hint);
}

/** ENOSPC from inotify_add_watch, or EMFILE from inotify_init1. */
export class WatchLimitError extends SeedError {
  constructor(
    readonly limit: "max_user_watches" | "max_user_instances",
    readonly current: number | undefined,
    path?: string,
  ) {
    const what = limit === "max_user_watches" ? "inotify watch limit reached" : "inotify instance limit reached";
    const now = current === undefined ? "" : ` (now ${current})`;
    super(`${what}${path === undefined ? "" : ` while watching ${JSON.stringify(path)}`}: fs.inotify.${limit}${now}`, {
      code: "watch-limit",
      exitCode: EXIT.watchLimit,
      hint:
        `raise it: sudo sysctl fs.inotify.${limit}=${suggestedLimit(limit, current)}` +
        " (and add that line to /etc/sysctl.d/90-seedwatch.conf to keep it)",
    });
  }
}

export class HookError extends SeedError {
  constructor(message: string, hint?: string, cause?: unknown) {
    super(message, { code: "hook", exitCode: EXIT.hook, ...(hint ? { hint } : {}), cause });
  }
}

export class HttpError extends SeedError {
  constructor(
    message: string,
    readonly status: number,
    hint?: string,
  ) {
    super(message, { code: "http", exitCode: EXIT.http, ...(hint ? { hint } : {}) });
  }
}

// --- internal ---

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: "no such file or directory",
  ENOTDIR: "not a directory",
  EACCES: "permission denied",
  EEXIST: "already exists",
  EROFS: "read-only file system",
  EPERM: "operation not permitted",
  ENOSPC: "no space left (for inotify: the watch limit)",
  EMFILE: "too many open files",
  ENFILE: "too many open files in the system",
  ELOOP: "too many levels of symbolic links",
  ENAMETOOLONG: "file name too long",
  ENOMEM: "out of kernel memory",
  EINVAL: "invalid argument",
  ENOSYS: "not supported by this kernel",
};

function describeErrno(name: string): string {
  const text = ERRNO_TEXT[name];
  return text ? `${text} (${name})` : name;
}

function exitCodeForErrno(name: string): number {
  switch (name) {
    case "ENOENT":
      return EXIT.notFound;
    case "ENOTDIR":
      return EXIT.notDirectory;
    case "EACCES":
    case "EPERM":
      return EXIT.permission;
    default:
      return EXIT.native;
  }
}

function suggestedLimit(limit: string, current: number | undefined): number {
  const floor = limit === "max_user_watches" ? 524288 : 512;
  return Math.max(floor, (current ?? 0) * 2);
}
