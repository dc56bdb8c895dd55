// seedwatch torrents owner PATH...: which torrent owns each path.

import { showPath } from "../../events/index.ts";
import { resolved } from "../../fs/confined.ts";
import type { SessionStore, StoredTorrent } from "../../rtorrent/store.ts";
import { defineVerb } from "../args.ts";
import { absolute, INDEX_OPTIONS, printAnswer, withIndex } from "./read-index.ts";

export default defineVerb({
  name: "torrents owner",
  description: "Say which torrent of the rtorrent index owns each PATH (as given, or with its folders resolved)",
  args: {
    paths: { type: "positional", variadic: true, valueHint: "PATH...", description: "files or folders" },
    ...INDEX_OPTIONS,
  },
  examples: `
EXAMPLES
  seedwatch torrents owner ~/dl/Album/01.flac ~/dl/stray.nfo`,
  async run(a) {
    return withIndex(a.db, (store) => {
      const rows = a.paths.map((p) => ({ path: absolute(p), owners: ownersOf(store, absolute(p)) }));
      const human = rows
        .map(
          (r) =>
            `${showPath(r.path)}: ` +
            `${r.owners.length ? r.owners.map((t) => `${t.hash} "${showPath(t.name)}"`).join(", ") : "no torrent"}\n`,
        )
        .join("");
      return printAnswer(a.json, human, rows);
    });
  },
});

/** Torrents that own `path`, as given or with its folders resolved (a torrent's directory may be a symlink). */
function ownersOf(store: SessionStore, path: string): StoredTorrent[] {
  const real = resolved(path);
  const hashes = new Set([...store.owners(path), ...(real === undefined ? [] : store.owners(real))]);
  return [...hashes].map((h) => store.get(h)!);
}
