// seedwatch torrents list (and `seedwatch torrents`): every torrent in the index.

import { defineVerb } from "../args.ts";
import { INDEX_OPTIONS, printAnswer, torrentLine, withIndex } from "./read-index.ts";

export default defineVerb({
  name: "torrents list",
  description: "List the torrents in the rtorrent index: complete, size, tracker, hash, name",
  args: { ...INDEX_OPTIONS },
  examples: `
EXAMPLES
  seedwatch torrents                 the same as: seedwatch torrents list
  seedwatch torrents --json | jq -r '.[] | select(.complete == 0) | .hash'`,
  async run(a) {
    return withIndex(a.db, (store) => {
      const all = store.list();
      return printAnswer(a.json, all.map(torrentLine).join(""), all);
    });
  },
});
