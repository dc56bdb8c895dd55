// seedwatch torrents: what users ask their index.

import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { EXIT, nativeError, SeedError, UsageError } from "../errors.ts";
import { joinPath, showPath } from "../events/index.ts";
import { resolved } from "../fs/confined.ts";
import { orphans } from "../rtorrent/clean.ts";
import { sessionProtection } from "../rtorrent/guard.ts";
import { SessionStore, type StoredTorrent } from "../rtorrent/store.ts";
import { defineVerb } from "./args.ts";
import { indexPath } from "../xdg.ts";

const ACTIONS = ["list", "show", "owner", "orphans"] as const;

export default defineVerb({
  name: "torrents",
  description:
    "Ask the rtorrent index: list torrents, show one, which torrent owns a path, which files no torrent owns",
  args: {
    action: {
      type: "positional",
      required: false,
      valueHint: "list|show|owner|orphans",
      description: "what to ask (default: list)",
    },
    rest: {
      type: "positional",
      variadic: true,
      required: false,
      valueHint: "ARGS...",
      description: "show: HASH (a unique prefix will do); owner: PATH...; orphans: PATHS...",
    },
    db: {
      type: "string",
      valueHint: "FILE",
      also: ["sql-file"],
      description: "the index (default: ~/.local/share/seedwatch/rtorrent.db)",
    },
    json: { type: "boolean", description: "print JSON" },
  },
  examples: `
EXAMPLES
  seedwatch torrents                      name, tracker, size, complete, hash
  seedwatch torrents show 7F3A            one torrent and its files
  seedwatch torrents owner ~/dl/Album/01.flac
  seedwatch torrents orphans ~/downloads  files no torrent owns (what --clean -r would delete)`,
  async run(a) {
    const action = (a.action ?? "list") as (typeof ACTIONS)[number];
    if (!ACTIONS.includes(action))
      throw new UsageError(`unknown action ${JSON.stringify(a.action)}`, `one of ${ACTIONS.join(", ")}`);
    const path = resolve(a.db ?? indexPath());
    if (!existsSync(path))
      throw nativeError(
        "open",
        "ENOENT",
        path,
        "no index yet: run 'seedwatch rtorrent SESSION' first, or name it with --db",
      );
    const store = SessionStore.openCopy(path); // read-only use; never writes the file
    try {
      const print = (human: string, data: unknown) =>
        process.stdout.write(a.json ? `${JSON.stringify(data, null, 2)}\n` : human);
      if (action === "list") {
        if (a.rest.length > 0)
          throw new UsageError(
            `list takes no argument (got ${JSON.stringify(a.rest[0])})`,
            "seedwatch torrents list [--json]; show HASH for one torrent",
          );
        const all = store.list();
        print(all.map(line).join(""), all);
      } else if (action === "show") {
        const t = find(store, a.rest[0]);
        const files = store.files(t.hash);
        print(
          `${line(t)}  directory: ${showPath(t.directory)}\n${files.map((f) => `  ${showPath(f.path)}  ${size(f.size)}\n`).join("")}`,
          { ...t, files },
        );
      } else if (action === "owner") {
        if (a.rest.length === 0) throw new UsageError("owner needs a PATH", "seedwatch torrents owner PATH...");
        const rows = a.rest.map((p) => ({ path: absolute(p), owners: ownersOf(store, absolute(p)) }));
        print(
          rows
            .map(
              (r) =>
                `${showPath(r.path)}: ${r.owners.length ? r.owners.map((t) => `${t.hash} "${showPath(t.name)}"`).join(", ") : "no torrent"}\n`,
            )
            .join(""),
          rows,
        );
      } else {
        if (a.rest.length === 0) throw new UsageError("orphans needs PATHS", "seedwatch torrents orphans ~/downloads");
        const lost = orphans(
          sessionProtection(store, undefined),
          a.rest.map((p) => resolved(absolute(p)) ?? absolute(p)),
        );
        print(lost.map((p) => `${showPath(p)}\n`).join(""), lost);
      }
      return 0;
    } finally {
      store.close();
    }
  },
});

function find(store: SessionStore, prefix: string | undefined): StoredTorrent {
  if (!prefix) throw new UsageError("show needs a HASH", "seedwatch torrents show HASH (a unique prefix will do)");
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

function line(t: StoredTorrent): string {
  return `${t.complete ? "done" : "    "}  ${size(t.size).padStart(9)}  ${t.tracker.padEnd(20).slice(0, 20)}  ${t.hash}  ${showPath(t.name)}\n`;
}

/** Torrents that own `path`, as given or with its folders resolved (a torrent's directory may be a symlink). */
function ownersOf(store: SessionStore, path: string): StoredTorrent[] {
  const hashes = new Set([
    ...store.owners(path),
    ...(resolved(path) === undefined ? [] : store.owners(resolved(path)!)),
  ]);
  return [...hashes].map((h) => store.get(h)!);
}

function size(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  for (; n >= 1024 && i < units.length - 1; i++) n /= 1024;
  return `${i ? n.toFixed(1) : n} ${units[i]}`;
}

/** An absolute path, losslessly (node:path would turn bytes that are not UTF-8 into U+FFFD). */
function absolute(p: string): string {
  return p.startsWith("/") ? p : joinPath(process.cwd(), p);
}
