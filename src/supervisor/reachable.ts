// Whether one watch can serve a root below another: the directory must be reached from the
// outer root without a symlink (the watcher's walk never follows one), and be one that a
// root of its own could watch (exists, a directory, readable). Otherwise it gets its own
// root, and the watcher's own error if that fails.

import { accessSync, constants, realpathSync, statSync } from "node:fs";

export function plainSubdirectory(outer: string, inner: string): boolean {
  try {
    if (!statSync(inner).isDirectory()) return false;
    accessSync(inner, constants.R_OK);
    return realpathSync(inner) === realpathSync(outer) + inner.slice(outer.length);
  } catch {
    return false;
  }
}
