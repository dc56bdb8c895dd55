// seedwatch torrents show HASH: one torrent and its files.

import { showPath } from "../../events/index.ts";
import { defineVerb } from "../args.ts";
import { findTorrent, INDEX_OPTIONS, printAnswer, size, torrentLine, withIndex } from "./read-index.ts";

export default defineVerb({
  name: "torrents show",
  description: "Show one torrent of the rtorrent index and its files",
  args: {
    hash: { type: "positional", valueHint: "HASH", description: "its info hash; a unique prefix will do" },
    ...INDEX_OPTIONS,
  },
  examples: `
EXAMPLES
  seedwatch torrents show 7F3A`,
  async run(a) {
    return withIndex(a.db, (store) => {
      const t = findTorrent(store, a.hash!);
      const files = store.files(t.hash);
      return printAnswer(
        a.json,
        `${torrentLine(t)}  directory: ${showPath(t.directory)}\n` +
          `${files.map((f) => `  ${showPath(f.path)}  ${size(f.size)}\n`).join("")}`,
        { ...t, files },
      );
    });
  },
});
