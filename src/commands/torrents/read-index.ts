// What the torrents sub-verbs share: the options every one takes, opening the index for
// reading (a copy: never writes the file), finding a torrent by a hash prefix, and how a
// torrent is printed.

import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { EXIT, nativeError, SeedError, UsageError } from "../../errors.ts";
import { joinPath, showPath } from "../../events/index.ts";
import { SessionStore, type StoredTorrent } from "../../rtorrent/store.ts";
import { indexPath } from "../../xdg.ts";
import type { Spec } from "../args.ts";

export const INDEX_OPTIONS = {
  db: {
    type: "string",
    valueHint: "FILE",
    also: ["sql-file"],
    description: "the index (default: ~/.local/share/seedwatch/rtorrent.db)",
  },
  json: { type: "boolean", description: "print JSON" },
} as const satisfies Spec;

/** Run `ask` on a read-only copy of the index, then close it. */
export function withIndex<T>(db: string | undefined, ask: (store: SessionStore) => T): T {
  const path = resolve(db ?? indexPath());
  if (!existsSync(path))
    throw nativeError(
      "open",
      "ENOENT",
      path,
      "no index yet: run 'seedwatch rtorrent SESSION' first, or name it with --db",
    );
  const store = SessionStore.openCopy(path);
  try {
    return ask(store);
  } finally {
    store.close();
  }
}

/** People get `human`; --json gets `data`. */
export function printAnswer(json: boolean, human: string, data: unknown): number {
  process.stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : human);
  return 0;
}

export function findTorrent(store: SessionStore, prefix: string): StoredTorrent {
  const hits = [...store.hashes()].filter((h) => h.startsWith(prefix.toUpperCase()));
  if (hits.length > 1)
    throw new UsageError(
      `${prefix} matches ${hits.length} torrents`,
      "give more of the hash; 'seedwatch torrents' lists them",
    );
  if (hits.length === 0)
    throw new SeedError(`no torrent ${prefix} in the index`, {
      code: "not-found",
      exitCode: EXIT.notFound,
      hint: "'seedwatch torrents' lists them; a torrent just added is indexed by a running 'seedwatch rtorrent'",
    });
  return store.get(hits[0]!)!;
}

/** One line: complete, size, tracker, hash, name (escaped: one line whatever the bytes). */
export function torrentLine(t: StoredTorrent): string {
  return (
    `${t.complete ? "done" : "    "}  ${size(t.size).padStart(9)}  ${t.tracker.padEnd(20).slice(0, 20)}  ` +
    `${t.hash}  ${showPath(t.name)}\n`
  );
}

export function size(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  for (; n >= 1024 && i < units.length - 1; i++) n /= 1024;
  return `${i ? n.toFixed(1) : n} ${units[i]}`;
}

/** An absolute path, losslessly (node:path would turn bytes that are not UTF-8 into U+FFFD). */
export function absolute(p: string): string {
  return p.startsWith("/") ? p : joinPath(process.cwd(), p);
}
