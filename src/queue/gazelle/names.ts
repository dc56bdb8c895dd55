// Names: the inventory's sort form turned into a display name (distleech's
// `sortartist_to_artist`, reference §1.5 step 2), and titles compared the way a person
// would: entities decoded, case, punctuation, "&"/"and" and diacritics ignored. An exact
// match ranks above a normalised one, so "Fear Not" beats "Fear, Not!" when both exist.

import { decodeName } from "./shapes.ts";

/**
 * "Cockburn, Bruce" → "Bruce Cockburn". With one comma and a "/" after it, the text
 * after the "/"; with more than one comma, unchanged; with none, trimmed.
 */
export function sortNameToArtist(sort: string): string {
  const parts = sort.split(",");
  if (parts.length === 2) {
    const [last, rest] = [parts[0]!.trim(), parts[1]!.trim()];
    const slash = rest.indexOf("/");
    if (slash >= 0) return rest.slice(slash + 1).trim();
    return `${rest} ${last}`.trim();
  }
  return sort.trim();
}

/** The comparable form of a title or name. */
export function normalizeTitle(s: string): string {
  return decodeName(s)
    .normalize("NFKD")
    .replace(/\p{M}/gu, "") // combining marks: é → e
    .replace(/[ßæœøłđðþħı]/giu, (c) => FOLD[c.toLowerCase()] ?? c)
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/['’‘`´]/g, "") // apostrophes join words: "don't" = "dont"
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** How well a site's title matches the wanted one: 2 exact, 1 normalised, 0 not at all. */
export function matchRank(wanted: string, candidate: string): 0 | 1 | 2 {
  const decoded = decodeName(candidate);
  if (decoded === wanted.trim() || decoded.trim() === decodeName(wanted).trim()) return 2;
  const a = normalizeTitle(wanted);
  return a !== "" && a === normalizeTitle(decoded) ? 1 : 0;
}

// --- internal ---

/** Letters NFKD does not split into a base and a mark. */
const FOLD: Record<string, string> = {
  ß: "ss",
  æ: "ae",
  œ: "oe",
  ø: "o",
  ł: "l",
  đ: "d",
  ð: "d",
  þ: "th",
  ħ: "h",
  ı: "i",
};
