// seedwatch torrents orphans PATHS...: files below PATHS that no torrent owns.

import { showPath } from "../../events/index.ts";
import { resolved } from "../../fs/confined.ts";
import { orphans } from "../../rtorrent/clean.ts";
import { sessionProtection } from "../../rtorrent/guard.ts";
import { defineVerb } from "../args.ts";
import { absolute, INDEX_OPTIONS, printAnswer, withIndex } from "./read-index.ts";

export default defineVerb({
  name: "torrents orphans",
  description:
    "List the files below PATHS that no torrent of the rtorrent index owns: " +
    "what 'seedwatch rtorrent --clean -r' would delete",
  args: {
    paths: { type: "positional", variadic: true, valueHint: "PATHS...", description: "download folders" },
    ...INDEX_OPTIONS,
  },
  examples: `
EXAMPLES
  seedwatch torrents orphans ~/downloads`,
  async run(a) {
    return withIndex(a.db, (store) => {
      const lost = orphans(
        sessionProtection(store, undefined),
        a.paths.map((p) => resolved(absolute(p)) ?? absolute(p)),
      );
      return printAnswer(a.json, lost.map((p) => `${showPath(p)}\n`).join(""), lost);
    });
  },
});
