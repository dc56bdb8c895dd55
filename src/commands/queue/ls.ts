// seedwatch queue ls albums|downloads [--state S] [--json]: what is in the queue, as a
// table for a person or one JSON array for a script (read page by page, so a big queue
// streams instead of loading at once).

import { UsageError } from "../../errors.ts";
import { ALBUM_STATES, DOWNLOAD_STATES, siteHost, type Album, type Download } from "../../queue/model.ts";
import { defineVerb } from "../args.ts";
import { DB_ARG, openDb } from "./common.ts";

const PAGE = 1000;

export default defineVerb({
  name: "queue ls",
  description:
    "List the queue's albums (state, results, attempts) or downloads (site, torrent id, state, seedbox, path)",
  args: {
    kind: { type: "positional", valueHint: "albums|downloads", description: "what to list" },
    state: {
      type: "string",
      valueHint: "STATE",
      description: `albums: ${ALBUM_STATES.join(", ")}; downloads: ${DOWNLOAD_STATES.join(", ")}`,
    },
    site: { type: "string", valueHint: "SITE", description: "downloads: only this site" },
    ...DB_ARG,
    json: { type: "boolean", description: "one JSON array" },
  },
  examples: `
EXAMPLES
  seedwatch queue ls albums --state not_found
  seedwatch queue ls downloads --state failed --json | jq '.[] | .reason'`,
  async run(a) {
    if (a.kind !== "albums" && a.kind !== "downloads")
      throw new UsageError(`unknown list ${JSON.stringify(a.kind)}`, "seedwatch queue ls albums|downloads");
    const states: readonly string[] = a.kind === "albums" ? ALBUM_STATES : DOWNLOAD_STATES;
    if (a.state !== undefined && !states.includes(a.state))
      throw new UsageError(`no ${a.kind} state ${JSON.stringify(a.state)}`, `one of ${states.join(", ")}`);
    if (a.site !== undefined && a.kind === "albums")
      throw new UsageError("--site lists downloads", "seedwatch queue ls downloads --site SITE");
    const store = await openDb(a.db, { mustExist: true });
    try {
      const write = (s: string) => process.stdout.write(s);
      if (a.json) write("[");
      else write(a.kind === "albums" ? ALBUM_HEAD : DOWNLOAD_HEAD);
      let after = 0;
      let first = true;
      for (;;) {
        const q = {
          ...(a.state ? { state: a.state } : {}),
          ...(a.site ? { site: siteHost(a.site) } : {}),
          after,
          limit: PAGE,
        };
        const page = a.kind === "albums" ? await store.listAlbums(q) : await store.listDownloads(q);
        for (const item of page.items) {
          if (a.json) write(`${first ? "\n" : ",\n"}${JSON.stringify(item)}`);
          else write(a.kind === "albums" ? albumLine(item as Album) : downloadLine(item as Download));
          first = false;
        }
        if (page.next === undefined) break;
        after = page.next;
      }
      if (a.json) write(first ? "]\n" : "\n]\n");
      return 0;
    } finally {
      await store.close();
    }
  },
});

// --- internal ---

const ALBUM_HEAD =
  `${"ID".padStart(7)}  ${"STATE".padEnd(9)}  TRIES  ` + `${"ARTIST".padEnd(24)}  ${"TITLE".padEnd(30)}  RESULTS\n`;
const DOWNLOAD_HEAD =
  `${"ID".padStart(7)}  ${"SITE".padEnd(20)}  ${"TORRENT".padStart(9)}  ${"STATE".padEnd(10)}  TRIES  ` +
  `${"SEEDBOX".padEnd(12)}  PATH / REASON\n`;

function cut(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s.padEnd(n);
}

function albumLine(x: Album): string {
  const results =
    x.results.map((r) => `${r.site}: ${r.torrentIds.length ? r.torrentIds.join(",") : "none"}`).join("; ") ||
    (x.error ?? "");
  return (
    `${String(x.id).padStart(7)}  ${x.state.padEnd(9)}  ${String(x.attempts).padStart(5)}  ` +
    `${cut(x.artist, 24)}  ${cut(x.title, 30)}  ${results}\n`
  );
}

function downloadLine(x: Download): string {
  return (
    `${String(x.id).padStart(7)}  ${cut(x.site, 20)}  ${String(x.siteTorrentId).padStart(9)}  ` +
    `${x.state.padEnd(10)}  ${String(x.attempts).padStart(5)}  ` +
    `${cut(x.seedbox ?? "", 12)}  ${x.localPath ?? x.reason ?? ""}\n`
  );
}
