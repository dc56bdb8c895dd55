// Durations as people write them on a command line: "90s", "30m", "1h", "14d", "500ms".

import { ConfigError } from "../errors.ts";

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (!m || Number(m[1]) <= 0)
    throw new ConfigError(
      `not a duration: ${JSON.stringify(text)}`,
      flag,
      text,
      "a number and a unit: 500ms, 90s, 30m, 1h, 14d",
    );
  return Math.round(Number(m[1]) * UNIT_MS[m[2]!]!);
}
