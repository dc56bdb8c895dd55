// Temporary directories that remove themselves: `using dir = tempDir("name")`.

import { mkdtempSync, rmSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TempDir extends Disposable {
  path: string;
  join(...parts: string[]): string;
}

export function tempDir(prefix = "seedwatch"): TempDir {
  const path = realpathSync(mkdtempSync(join(tmpdir(), `${prefix}-`)));
  return {
    path,
    join: (...parts) => join(path, ...parts),
    [Symbol.dispose]() {
      rmSync(path, { recursive: true, force: true });
    },
  };
}
