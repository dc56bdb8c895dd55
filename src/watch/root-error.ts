// The error for a root that cannot be watched, with the hint a user needs; shared by the
// inotify and poll watchers so both say the same thing.

import { NativeError, WatchLimitError } from "../errors.ts";
import { readLimit } from "./limits.ts";

const ERRNO: Record<string, number> = { EPERM: 1, ENOENT: 2, EACCES: 13, ENOTDIR: 20, ENOSPC: 28, ELOOP: 40 };

export function rootError(path: string, code: string, errno = ERRNO[code] ?? 5): Error {
  switch (code) {
    case "ENOSPC":
      return new WatchLimitError("max_user_watches", readLimit("max_user_watches"), path);
    case "ENOENT":
      return new NativeError("watch", errno, code, path, "check the path for a typo, or create the directory first");
    case "ENOTDIR":
      return new NativeError(
        "watch",
        errno,
        code,
        path,
        "seedwatch watches directories; to follow one file, watch its directory with --include",
      );
    case "EACCES":
    case "EPERM":
      return new NativeError(
        "watch",
        errno,
        code,
        path,
        `run as a user who can read it, or check its permissions: ls -ld ${JSON.stringify(path)}`,
      );
    default:
      return new NativeError("watch", errno, code, path, "'seedwatch doctor' checks inotify and its limits");
  }
}
