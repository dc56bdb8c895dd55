// seedwatch torrents: what users ask their index.

import { existsSync, realpathSync } from "node:fs";
import { join, resolve } from "node:path";
import { UsageError, NativeError } from "../errors.ts";
import { orphans } from "../rtorrent/clean.ts";
import { sessionProtection } from "../rtorrent/guard.ts";
import { SessionStore, type StoredTorrent } from "../rtorrent/store.ts";
import { defineVerb } from "./args.ts";
import { dataDir } from "../xdg.ts";

const ACTIONS = ["list", "show", "owner", "orphans"] as const;

export default defineVerb({
  name: "torrents",
  description: "Ask the rtorrent index: list torrents, show one, which torrent owns a path, which files no torrent owns",
  args: {
    action: { type: "positional", required: false, valueHint: "list|show|owner|orphans", description: "what to ask (default: list)" },
    rest: { type: "positional", variadic: true, required: false, valueHint: "ARGS...", description: "show: HASH (a unique prefix will do); owner: PATH...; orphans: PATHS..." },
    db: { type: "string", valueHint: "FILE", also: ["sql-file"], description: "the index (default: ~/.local/share/seedwatch/rtorrent.db)" },
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
    if (!ACTIONS.includes(action)) throw new UsageError(`unknown action ${JSON.stringify(a.action)}`, `one of ${ACTIONS.join(", ")}`);
    const path = resolve(a.db ?? join(dataDir(), "rtorrent.db"));
    if (!existsSync(path)) throw new NativeError("open", 2, "ENOENT", path, "no index yet: run 'seedwatch rtorrent SESSION' first, or name it with --db");
    const store = SessionStore.openCopy(path); // read-only use; never writes the file
    try {
      const print = (human: string, data: unknown) => process.stdout.write(a.json ? `${JSON.stringify(data, null, 2)}\n` : human);
      if (action === "list") {
        const all = store.list();
        print(all.map(line).join(""), all);
      } else if (action === "show") {
        const t = find(store, a.rest[0]);
        const files = store.files(t.hash);
        print(`${line(t)}  directory: ${t.directory}\n${files.map((f) => `  ${f.path}  ${size(f.size)}\n`).join("")}`, { ...t, files });
      } else if (action === "owner") {
        if (a.rest.length === 0) throw new UsageError("owner needs a PATH", "seedwatch torrents owner PATH...");
        const rows = a.rest.map((p) => ({ path: absolute(p), owners: store.owners(absolute(p)).map((h) => store.get(h)!) }));
        print(rows.map((r) => `${r.path}: ${r.owners.length ? r.owners.map((t) => `${t.hash} ${JSON.stringify(t.name)}`).join(", ") : "no torrent"}\n`).join(""), rows);
      } else {
        if (a.rest.length === 0) throw new UsageError("orphans needs PATHS", "seedwatch torrents orphans ~/downloads");
        const lost = orphans(sessionProtection(store, undefined), a.rest.map(absolute));
        print(lost.map((p) => `${p}\n`).join(""), lost);
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
  if (hits.length !== 1) throw new UsageError(hits.length ? `${prefix} matches ${hits.length} torrents` : `no torrent ${prefix} in the index`, "give more of the hash; 'seedwatch torrents' lists them");
  return store.get(hits[0]!)!;
}

function line(t: StoredTorrent): string {
  return `${t.complete ? "done" : "    "}  ${size(t.size).padStart(9)}  ${t.tracker.padEnd(20).slice(0, 20)}  ${t.hash}  ${t.name}\n`;
}

function size(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) (n /= 1024), i++;
  return `${i ? n.toFixed(1) : n} ${units[i]}`;
}

function absolute(p: string): string {
  const abs = resolve(p);
  try {
    return realpathSync(abs);
  } catch {
    return abs;
  }
}
