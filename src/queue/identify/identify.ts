// `seedwatch queue identify DIR…` below the command: scan each path, match it against the
// torrents the queue handed off (their cached file lists), and report each match complete
// with its local path, unless this is a dry run. A path that cannot be read, fits no
// torrent, fits several, or fits a torrent another given path also fits is reported and
// left alone: completion is recorded only for a single, certain answer.

import { showPath } from "../../events/path.ts";
import { SeedError } from "../../errors.ts";
import type { Outcome } from "../model.ts";
import { type Candidate, identifyData, ref } from "./match.ts";
import { type Found, scanData } from "./scan.ts";
import type { CandidateSource } from "./source.ts";

export type Identified =
  | { path: string; kind: "matched"; candidate: Candidate; extras: number; outcome?: Outcome }
  | { path: string; kind: "ambiguous"; candidates: Candidate[]; why: string }
  | { path: string; kind: "unmatched"; why: string }
  | { path: string; kind: "unreadable"; why: string };

export interface IdentifyReport {
  results: Identified[];
  /** How many handed-off downloads had no cached file list (they cannot be matched). */
  withoutMetadata: number;
  candidates: number;
}

export async function identifyPaths(
  paths: string[],
  source: CandidateSource,
  o: { dryRun: boolean },
): Promise<IdentifyReport> {
  const scanned: (Found | Identified)[] = paths.map((p) => {
    try {
      return scanData(p);
    } catch (err) {
      if (!(err instanceof SeedError)) throw err;
      return { path: p, kind: "unreadable", why: err.message } as Identified;
    }
  });
  const list = await source.candidates();
  const results: Identified[] = scanned.map((s) => {
    if (s.kind !== "file" && s.kind !== "dir") return s;
    const v = identifyData(s, list.candidates);
    if (v.kind === "matched") return { path: s.path, ...v };
    if (v.kind === "ambiguous")
      return { path: s.path, ...v, why: `${v.candidates.map(ref).join(", ")} all have exactly these files` };
    return { path: s.path, ...v };
  });
  // One torrent, two paths: neither is certain.
  const byTorrent = new Map<number, Identified[]>();
  for (const r of results)
    if (r.kind === "matched")
      byTorrent.set(r.candidate.download.id, [...(byTorrent.get(r.candidate.download.id) ?? []), r]);
  for (const group of byTorrent.values())
    if (group.length > 1)
      for (const r of group) {
        const i = results.indexOf(r);
        const c = (r as { candidate: Candidate }).candidate;
        const others = group.filter((g) => g !== r).map((g) => showPath(g.path));
        results[i] = {
          path: r.path,
          kind: "ambiguous",
          candidates: [c],
          why: `${ref(c)} fits ${others.join(", ")} too`,
        };
      }
  const matched = results.filter((r) => r.kind === "matched");
  if (!o.dryRun && matched.length > 0) {
    const outcomes = await source.complete(
      matched.map((r) => ({
        site: r.candidate.download.site,
        siteTorrentId: r.candidate.download.siteTorrentId,
        localPath: r.path,
      })),
    );
    matched.forEach((r, i) => {
      r.outcome = outcomes[i];
    });
  }
  return { results, withoutMetadata: list.withoutMetadata.length, candidates: list.candidates.length };
}
