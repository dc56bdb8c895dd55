// Names a user typed that we do not know: an option key in a config, a flag, a sub-verb.
// One "did you mean" for all of them, and one refusal of unknown option keys that names
// the field path (lsyncd's checkgauge): every config class, the rtorrent section and
// enableSyslog go through rejectUnknownKeys.

import { ConfigError } from "../errors.ts";

/**
 * The candidate nearest to `word`, if one is near: at most 2 edits apart (case, "_" and
 * "-" ignored, so "evnt_map" finds "event_map" and "--formt" finds "--format"), or
 * sharing the candidate's first four letters ("shutdown_time" finds "shutdown_timeout").
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const w = bare(word);
  let best: { name: string; d: number } | undefined;
  for (const name of candidates) {
    const c = bare(name);
    const d = distance(w, c);
    if (d <= 2 && d < Math.max(c.length, 2) && (!best || d < best.d)) best = { name, d };
  }
  if (best) return best.name;
  return candidates.find((name) => bare(name).length > 3 && w.startsWith(bare(name).slice(0, 4)));
}

/**
 * Refuse the first key of `options` that is not in `known` (nor in `alsoAccepted`:
 * spellings that work but are not advertised): a ConfigError naming `field` and the key,
 * with the nearest known key, or the list of them.
 */
export function rejectUnknownKeys(
  options: object,
  known: readonly string[],
  field: string,
  alsoAccepted: readonly string[] = [],
): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key) || alsoAccepted.includes(key)) continue;
    const near = closest(key, known);
    throw new ConfigError(
      `unknown key "${key}"`,
      field,
      key,
      near ? `did you mean ${near}?` : `known keys: ${known.join(", ")}`,
    );
  }
}

// --- internal ---

function bare(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, "");
}

/** Levenshtein distance. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}
