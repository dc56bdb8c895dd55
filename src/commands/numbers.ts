// Numbers given on the command line (--poll, --jobs, --timeout, --max-delete,
// --hook-timeout, --stop-timeout): one parser, one way of saying what is wrong.

import { ConfigError } from "../errors.ts";

/** A whole number, at least `min`; `example` goes into the hint. */
export function wholeNumber(text: string, flag: string, min: 0 | 1, example: number): number {
  const n = text.trim() === "" ? Number.NaN : Number(text);
  if (!Number.isInteger(n) || n < min)
    throw new ConfigError(
      `must be a whole number${min === 1 ? " above 0" : ""}, not ${JSON.stringify(text)}`,
      flag,
      text,
      `for example ${flag} ${example}`,
    );
  return n;
}

/** A number above 0, fractions allowed (seconds). */
export function positiveNumber(text: string, flag: string, example: number): number {
  const n = text.trim() === "" ? Number.NaN : Number(text);
  if (!(n > 0) || !Number.isFinite(n))
    throw new ConfigError(
      `must be a number above 0, not ${JSON.stringify(text)}`,
      flag,
      text,
      `for example ${flag} ${example}`,
    );
  return n;
}
