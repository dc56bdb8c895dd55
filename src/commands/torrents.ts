// seedwatch torrents list|show|owner|orphans: what users ask their index. Each sub-verb
// is a file in torrents/; `seedwatch torrents` alone lists.

import { INDEX_OPTIONS } from "./torrents/read-index.ts";
import { defineGroup } from "./verbs.ts";

export default defineGroup({
  name: "torrents",
  description:
    "Ask the rtorrent index: list torrents, show one, which torrent owns a path, which files no torrent owns",
  default: "list",
  shared: INDEX_OPTIONS,
  verbs: {
    list: { describe: "every torrent: complete, size, tracker, hash, name", load: () => import("./torrents/list.ts") },
    show: {
      describe: "one torrent and its files, by HASH (a unique prefix will do)",
      load: () => import("./torrents/show.ts"),
    },
    owner: { describe: "which torrent owns each PATH", load: () => import("./torrents/owner.ts") },
    orphans: {
      describe: "files under PATHS that no torrent owns (what --clean -r would delete)",
      load: () => import("./torrents/orphans.ts"),
    },
  },
  unknownHint: (word) =>
    /^[0-9a-f]{4,40}$/i.test(word) ? `for one torrent: seedwatch torrents show ${word}` : undefined,
  examples: `
EXAMPLES
  seedwatch torrents                      name, tracker, size, complete, hash
  seedwatch torrents show 7F3A            one torrent and its files
  seedwatch torrents owner ~/dl/Album/01.flac
  seedwatch torrents orphans ~/downloads  files no torrent owns (what --clean -r would delete)`,
});
