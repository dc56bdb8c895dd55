// Scoring: distleech's table with its bugs fixed (the best per media is kept, never
// torrent id 0), checked by hand on its cases and on generated candidate lists against a
// plain restatement of reference §1.5 step 5.

import { describe, expect, test } from "bun:test";
import {
  chooseTorrents,
  DEFAULT_PREFERENCES,
  type Preferences,
  scoreTorrent,
} from "../../../src/queue/gazelle/score.ts";
import type { Torrent } from "../../../src/queue/gazelle/types.ts";
import { fc, propParams } from "../../helpers/prop.ts";

function t(id: number, media: string, encoding: string, extra: Partial<Torrent> = {}): Torrent {
  return {
    id,
    groupId: 1,
    media,
    format: "FLAC",
    encoding,
    hasLog: false,
    logScore: 0,
    hasCue: false,
    scene: false,
    edition: { remastered: false, year: 0, title: "", recordLabel: "", catalogueNumber: "" },
    fileCount: 10,
    size: 1,
    seeders: 1,
    leechers: 0,
    snatched: 0,
    time: "",
    ...extra,
  };
}

const ids = (list: Torrent[], p?: Preferences) => chooseTorrents(list, p).map((s) => s.torrent.id);

describe("distleech's table", () => {
  test("CD: the log score, +1 with a cue; WEB and Vinyl: 50 lossless, 100 for 24-bit", () => {
    const p = DEFAULT_PREFERENCES;
    expect(scoreTorrent(t(1, "CD", "Lossless", { hasLog: true, logScore: 100, hasCue: true }), p)).toBe(101);
    expect(scoreTorrent(t(1, "CD", "Lossless", { hasLog: true, logScore: 85 }), p)).toBe(85);
    expect(scoreTorrent(t(1, "CD", "Lossless", { hasLog: false, logScore: 100 }), p)).toBe(0);
    expect(scoreTorrent(t(1, "WEB", "Lossless"), p)).toBe(50);
    expect(scoreTorrent(t(1, "Vinyl", "24bit Lossless"), p)).toBe(100);
    expect(scoreTorrent(t(1, "Cassette", "Lossless"), p)).toBeUndefined();
    expect(scoreTorrent(t(1, "CD", "320", { format: "MP3" }), p)).toBeUndefined();
  });

  test("the best candidate per media is kept (distleech kept the worst)", () => {
    const worse = t(10, "CD", "Lossless", { hasLog: true, logScore: 80 });
    const better = t(11, "CD", "Lossless", { hasLog: true, logScore: 100 });
    expect(ids([better, worse])).toEqual([11]);
    expect(ids([worse, better])).toEqual([11]);
  });

  test("every media's best at 100 or more is taken, plus the best overall", () => {
    const list = [
      t(1, "CD", "Lossless", { hasLog: true, logScore: 100, hasCue: true }), // 101
      t(2, "WEB", "24bit Lossless"), // 100
      t(3, "WEB", "Lossless"), // 50
      t(4, "Vinyl", "Lossless"), // 50
    ];
    expect(ids(list)).toEqual([1, 2]);
    expect(ids([t(3, "WEB", "Lossless"), t(4, "Vinyl", "Lossless", { seeders: 9 })])).toEqual([4]);
  });

  test("nothing acceptable is an empty choice, never torrent id 0", () => {
    expect(ids([t(5, "CD", "320", { format: "MP3" }), t(6, "Cassette", "Lossless")])).toEqual([]);
    expect(ids([t(0, "CD", "Lossless", { hasLog: true, logScore: 100 })])).toEqual([]);
    // All scoring 0 (distleech then submitted id 0): the real torrent is chosen.
    expect(ids([t(7, "CD", "Lossless")])).toEqual([7]);
  });

  test("preferences: formats in order, a minimum log, a required cue", () => {
    const p: Preferences = {
      ...DEFAULT_PREFERENCES,
      formats: ["FLAC", "MP3"],
      encodings: ["Lossless", "320", "V0 (VBR)"],
    };
    const mp3 = t(8, "WEB", "320", { format: "MP3", seeders: 100 });
    const flac = t(9, "CD", "Lossless");
    expect(ids([mp3, flac], p)).toEqual([9]);
    expect(scoreTorrent(mp3, p)).toBe(67);
    const logged = t(10, "CD", "Lossless", { hasLog: true, logScore: 90 });
    expect(ids([logged], { ...DEFAULT_PREFERENCES, min_log_score: 95 })).toEqual([]);
    const noCue = t(11, "CD", "Lossless", { hasLog: true, logScore: 100 });
    expect(ids([noCue], { ...DEFAULT_PREFERENCES, cue: "require" })).toEqual([]);
    expect(
      scoreTorrent(t(12, "CD", "Lossless", { hasLog: true, logScore: 100, hasCue: true }), {
        ...DEFAULT_PREFERENCES,
        cue: "ignore",
      }),
    ).toBe(100);
  });
});

/** Reference §1.5 step 5, restated plainly, for the default preferences. */
function referenceScore(c: Torrent): number | undefined {
  if (c.format !== "FLAC" || c.id <= 0) return undefined;
  if (c.encoding !== "Lossless" && c.encoding !== "24bit Lossless") return undefined;
  if (c.media === "WEB" || c.media === "Vinyl") return c.encoding === "Lossless" ? 50 : 100;
  if (c.media === "CD") return c.encoding === "24bit Lossless" ? 100 : (c.hasLog ? c.logScore : 0) + (c.hasCue ? 1 : 0);
  return undefined;
}

describe("generated candidate lists against the reference rule", () => {
  const candidate = fc
    .record({
      id: fc.integer({ min: 0, max: 40 }),
      media: fc.constantFrom("CD", "WEB", "Vinyl", "Cassette", "SACD", "DVD"),
      format: fc.constantFrom("FLAC", "FLAC", "FLAC", "MP3", "AAC"),
      encoding: fc.constantFrom("Lossless", "24bit Lossless", "320", "V0 (VBR)"),
      hasLog: fc.boolean(),
      logScore: fc.integer({ min: -100, max: 100 }),
      hasCue: fc.boolean(),
      seeders: fc.integer({ min: 0, max: 5 }),
    })
    .map((r) => t(r.id, r.media, r.encoding, r));
  const lists = fc.uniqueArray(candidate, { selector: (c) => c.id, maxLength: 12 });

  test("each media's best is chosen when it reaches 100, the overall best always; never id 0", () => {
    fc.assert(
      fc.property(lists, (list) => {
        const chosen = chooseTorrents(list);
        const scored = list.flatMap((c) => {
          const s = referenceScore(c);
          return s === undefined ? [] : [{ c, s }];
        });
        // Nothing acceptable: nothing chosen.
        if (scored.length === 0) return expect(chosen).toEqual([]);
        expect(chosen.every((x) => x.torrent.id > 0)).toBe(true);
        expect(chosen.map((x) => x.score)).toEqual(chosen.map((x) => referenceScore(x.torrent)!));
        // The first choice has the top score of all.
        const top = Math.max(...scored.map((x) => x.s));
        expect(chosen[0]!.score).toBe(top);
        // Per media: one choice at most, with that media's top score, present iff it
        // reaches 100 or is the overall first.
        const media = new Set(scored.map((x) => x.c.media));
        for (const m of media) {
          const mine = chosen.filter((x) => x.torrent.media === m);
          const best = Math.max(...scored.filter((x) => x.c.media === m).map((x) => x.s));
          expect(mine.length).toBeLessThanOrEqual(1);
          if (best >= 100) expect(mine.map((x) => x.score)).toEqual([best]);
          if (mine.length) expect(mine[0]!.score).toBe(best);
        }
        expect(chosen.slice(1).every((x) => x.score >= 100)).toBe(true);
        // Chosen in order, best first.
        expect(chosen.map((x) => x.score)).toEqual(chosen.map((x) => x.score).sort((a, b) => b - a));
      }),
      propParams(500),
    );
  });
});
