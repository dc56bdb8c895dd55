// seedwatch queue identify DIR…: finished data matched to the queue's torrents by their
// cached file lists and sizes, and reported complete with its path (distleech's dir_id).
// Parses, picks where the queue is (--coordinator, --config worker.ts, or --db), prints.

import { readFileSync } from "node:fs";
import { showPath } from "../../events/path.ts";
import { EXIT, UsageError } from "../../errors.ts";
import { loadModule } from "../../hooks/load.ts";
import {
  type CandidateSource,
  CoordinatorSource,
  type Identified,
  identifyPaths,
  ref,
  StoreSource,
} from "../../queue/identify/index.ts";
import { resolveWorkerConfig } from "../../queue/worker-config.ts";
import { defineVerb } from "../args.ts";
import { DB_ARG, openDb } from "./common.ts";

/** The name completions are recorded under when identify writes the store itself. */
const STORE_WORKER = "queue identify";

export default defineVerb({
  name: "queue identify",
  description:
    "Match finished directories (or single files) to the queue's torrents by every file's name and size, " +
    "and report them complete with their path",
  args: {
    paths: {
      type: "positional",
      variadic: true,
      required: true,
      valueHint: "DIR...",
      description: "finished torrents: a multi-file torrent's directory, or a single-file torrent's file",
    },
    coordinator: { type: "string", valueHint: "URL", description: "the coordinator's URL (with --token)" },
    token: {
      type: "string",
      valueHint: "TOKEN",
      description: "a worker token for --coordinator (or the SEEDWATCH_TOKEN environment variable)",
    },
    config: {
      type: "string",
      valueHint: "worker.ts",
      description: "take the coordinator and its token from a worker's config",
    },
    ...DB_ARG,
    dryRun: { type: "boolean", alias: "n", description: "print what would be reported; report nothing" },
    json: { type: "boolean", description: "print one JSON object per path" },
  },
  examples: `
EXAMPLES
  seedwatch queue identify --config worker.ts /srv/done/*
  seedwatch queue identify -n --coordinator http://queue.lan:8080 --token "$T" "/srv/done/Album (2012) [FLAC]"
  seedwatch queue identify --db /var/lib/seedwatch/queue.db /srv/done/*     (on the coordinator's box)

WHERE THE QUEUE IS
  --coordinator URL with --token (or SEEDWATCH_TOKEN), or --config worker.ts (its
  coordinator and token: the file the workers use), or --db (the store itself; the
  default ~/.local/share/seedwatch/queue.db when none of these is given).

HOW A PATH IS MATCHED
  Against every download the queue handed off (and those leased or already complete)
  whose torrent page is in the coordinator's cache, which the workers fill while they
  search. Every file of the torrent must be there with its exact size, its name as the
  site lists it (HTML entities decoded); for a single-file torrent, the file itself.
  Files beyond the torrent's are allowed, but a torrent with none beats one with some,
  and the directory's own name only breaks a tie, so a renamed directory is still found.
  Sizes cannot tell a finished file from one a client has allocated: give only finished
  data. A path that fits no torrent, several, or a torrent another path fits too, is
  reported and left alone.

OUTPUT AND EXIT CODE
  One line per path: "complete", "would report" (-n), "unmatched", "ambiguous" or
  "unreadable", then the path and the torrent or the reason. Exit 0 when every path was
  matched, 13 when any was not, 10 when the coordinator cannot be reached.`,
  async run(a) {
    const source = await openSource(a);
    let report: Awaited<ReturnType<typeof identifyPaths>>;
    try {
      report = await identifyPaths(a.paths, source, { dryRun: a.dryRun });
    } finally {
      await source.close();
    }
    for (const r of report.results) process.stdout.write(`${a.json ? JSON.stringify(jsonOf(r)) : line(r, a.dryRun)}\n`);
    const ok = report.results.filter((r) => r.kind === "matched" && r.outcome !== "unknown").length;
    const missing = report.withoutMetadata
      ? `; ${report.withoutMetadata} handed-off download(s) have no cached file list and cannot be matched`
      : "";
    process.stderr.write(
      `${a.dryRun ? "would report" : "reported"} ${ok} of ${report.results.length} path(s) complete ` +
        `(${report.candidates} torrent(s) checked${missing})\n`,
    );
    return ok === report.results.length ? EXIT.ok : EXIT.unidentified;
  },
});

// --- internal ---

async function openSource(a: {
  coordinator: string | undefined;
  token: string | undefined;
  config: string | undefined;
  db: string | undefined;
}): Promise<CandidateSource> {
  const given = [a.coordinator && "--coordinator", a.config && "--config", a.db && "--db"].filter(Boolean);
  if (given.length > 1) throw new UsageError(`${given.join(" and ")} both name the queue`, "give one of them");
  if (a.token && !a.coordinator) throw new UsageError("--token goes with --coordinator", "add --coordinator URL");
  if (a.coordinator) {
    const token = a.token ?? process.env.SEEDWATCH_TOKEN;
    if (!token)
      throw new UsageError(
        "--coordinator needs a token",
        "add --token TOKEN or set SEEDWATCH_TOKEN (seedwatch queue token add NAME)",
      );
    return new CoordinatorSource(a.coordinator, token);
  }
  if (a.config) {
    const mod = await loadModule(a.config, "worker config");
    const cfg = resolveWorkerConfig(mod.default, {
      env: (n) => process.env[n],
      file: (p) => readFileSync(p, "utf8"),
    });
    return new CoordinatorSource(cfg.coordinator.url, cfg.coordinator.token);
  }
  return new StoreSource(await openDb(a.db, { mustExist: true }), STORE_WORKER);
}

function line(r: Identified, dryRun: boolean): string {
  const path = showPath(r.path);
  if (r.kind !== "matched") return `${r.kind.padEnd(12)} ${path}: ${r.why}`;
  const extras = r.extras ? ` (${r.extras} file(s) not in the torrent)` : "";
  if (dryRun) return `${"would report".padEnd(12)} ${path}: ${ref(r.candidate)}${extras}`;
  const said =
    r.outcome === "duplicate"
      ? "already recorded"
      : r.outcome === "ok"
        ? "reported"
        : `the coordinator said ${r.outcome}`;
  const state = (r.outcome === "unknown" ? "unmatched" : "complete").padEnd(12);
  return `${state} ${path}: ${ref(r.candidate)}, ${said}${extras}`;
}

function jsonOf(r: Identified): Record<string, unknown> {
  const base = { path: r.path, shown: showPath(r.path), result: r.kind };
  if (r.kind === "matched")
    return {
      ...base,
      site: r.candidate.download.site,
      siteTorrentId: r.candidate.download.siteTorrentId,
      download: r.candidate.download.id,
      extras: r.extras,
      ...(r.outcome ? { outcome: r.outcome } : {}),
    };
  if (r.kind === "ambiguous")
    return {
      ...base,
      why: r.why,
      torrents: r.candidates.map((c) => ({ site: c.download.site, siteTorrentId: c.download.siteTorrentId })),
    };
  return { ...base, why: r.why };
}
