// Choosing torrents from the groups that matched an album. distleech's rules (reference
// §1.5 step 5) with its two bugs fixed: per media it now keeps the *best* candidate (it
// kept the worst, §1.11.1), and only real torrents are ever chosen, so no torrent id 0
// is submitted when nothing qualifies (§1.11.2): the answer is then an empty list.
//
// Scores, with the defaults reproducing distleech: on a CD, a lossless rip scores its log
// score (0 without a log) plus 1 with a cue sheet, so a 100% log with cue is 101; any
// other candidate scores by its encoding's place in `encodings`: 100 for the first
// ("24bit Lossless"), 50 for the second ("Lossless") of two. A format earlier in
// `formats` always beats a later one; ties go to more seeders, then the lower id. Chosen:
// the best of each media whose score reaches `take_at`, plus the best overall.

import type { Torrent } from "./types.ts";

export interface Preferences {
  /** Accepted formats, best first. */
  formats: string[];
  /** Accepted encodings, best first. */
  encodings: string[];
  /** Accepted media (others are skipped), in no particular order. */
  media: string[];
  /** A CD rip whose log scores lower (no log counts as 0) is skipped; none by default. */
  min_log_score?: number;
  /** A cue sheet: +1 ("prefer"), needed on CD rips ("require"), or not looked at ("ignore"). */
  cue: "prefer" | "require" | "ignore";
  /** The best of every media scoring at least this is taken, besides the best overall. */
  take_at: number;
}

export const DEFAULT_PREFERENCES: Readonly<Preferences> = Object.freeze({
  formats: ["FLAC"],
  encodings: ["24bit Lossless", "Lossless"],
  media: ["CD", "WEB", "Vinyl"],
  cue: "prefer",
  take_at: 100,
});

export interface Scored {
  torrent: Torrent;
  score: number;
}

/** The score of one torrent, or undefined when the preferences do not accept it. */
export function scoreTorrent(t: Torrent, p: Preferences): number | undefined {
  if (!Number.isInteger(t.id) || t.id <= 0) return undefined;
  const enc = p.encodings.indexOf(t.encoding);
  if (!p.formats.includes(t.format) || enc < 0 || !p.media.includes(t.media)) return undefined;
  if (t.media === "CD" && t.encoding === "Lossless") {
    const log = t.hasLog ? t.logScore : 0;
    if (p.min_log_score !== undefined && log < p.min_log_score) return undefined;
    if (p.cue === "require" && !t.hasCue) return undefined;
    return log + (p.cue === "prefer" && t.hasCue ? 1 : 0);
  }
  return Math.round((100 * (p.encodings.length - enc)) / p.encodings.length);
}

/** Negative when `a` is better than `b`. */
export function compareScored(a: Scored, b: Scored, p: Preferences): number {
  return (
    p.formats.indexOf(a.torrent.format) - p.formats.indexOf(b.torrent.format) ||
    b.score - a.score ||
    b.torrent.seeders - a.torrent.seeders ||
    a.torrent.id - b.torrent.id
  );
}

/** The best acceptable candidate of each media. */
export function bestPerMedia(torrents: Torrent[], p: Preferences): Map<string, Scored> {
  const best = new Map<string, Scored>();
  for (const t of torrents) {
    const score = scoreTorrent(t, p);
    if (score === undefined) continue;
    const s = { torrent: t, score };
    const kept = best.get(t.media);
    if (!kept || compareScored(s, kept, p) < 0) best.set(t.media, s);
  }
  return best;
}

/** What to download, best first: never empty ids, never the same torrent twice; [] when nothing qualifies. */
export function chooseTorrents(torrents: Torrent[], p: Preferences = DEFAULT_PREFERENCES): Scored[] {
  const bests = [...bestPerMedia(torrents, p).values()].sort((a, b) => compareScored(a, b, p));
  return bests.filter((s, i) => i === 0 || s.score >= p.take_at);
}
