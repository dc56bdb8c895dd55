// Where a Worker's module is. Every thread seedwatch starts is named by its path under
// src/ ("rtorrent/read-worker.ts"). Run from source, that is a file beside this one's
// folder; inside the binary, build.ts adds each thread's file as an entry point at the
// same place under the binary's root, and this code is bundled into that root's entry,
// so the same relative name resolves there too. A thread missing from build.ts would fail
// to start in the binary only: test/unit/threads.test.ts checks that each one is listed.

/** The URL to give `new Worker()` for the thread module at `srcPath` (relative to src/). */
export function threadUrl(srcPath: string): string {
  return new URL(`./${srcPath}`, import.meta.url).href;
}
