// Every thread seedwatch starts must be in the binary: build.ts lists each thread module
// as an entry point, or `new Worker` fails inside the binary only (from source it works,
// and some callers then fall back to one thread without a word).

import { expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { threadUrl } from "../../src/threads.ts";

const ROOT = join(import.meta.dir, "..", "..");

function threadsNamed(): string[] {
  const found: string[] = [];
  for (const file of new Bun.Glob("src/**/*.ts").scanSync({ cwd: ROOT })) {
    for (const m of readFileSync(join(ROOT, file), "utf8").matchAll(/threadUrl\("([^"]+)"\)/g)) found.push(m[1]!);
  }
  return found.sort();
}

test("each thread module named in src/ exists and is an entry point of build.ts", () => {
  const threads = threadsNamed();
  expect(threads).toEqual(
    [
      "hooks/watchdog-thread.ts",
      "plugins/mirror/walk-worker.ts",
      "queue/checkpoint-thread.ts",
      "rtorrent/read-worker.ts",
    ].sort(),
  );
  const build = readFileSync(join(ROOT, "build.ts"), "utf8");
  for (const t of threads) {
    expect(existsSync(join(ROOT, "src", t))).toBe(true);
    expect(build).toContain(`"src/${t}"`);
  }
});

test("threadUrl names the file under src/ when run from source", () => {
  expect(threadUrl("rtorrent/read-worker.ts")).toBe(
    Bun.pathToFileURL(join(ROOT, "src", "rtorrent", "read-worker.ts")).href,
  );
});
