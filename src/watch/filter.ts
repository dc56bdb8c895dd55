// Exclude and include rules on full paths: regular expressions (searched anywhere in the
// path, as inotifywait's --exclude; anchor them with ^ to match from the start, as
// pyinotifyd's exclude_filter does) and globs (a glob without "/" matches the last path
// element, one with "/" the whole path). An excluded directory is never descended into.
// Include rules only narrow what is reported; they never stop descent.

import { ConfigError } from "../errors.ts";

export interface PathFilter {
  exclude: Matcher[];
  include: Matcher[];
}

export interface Matcher {
  source: string;
  test(path: string): boolean;
}

export interface FilterSpec {
  exclude?: readonly (string | RegExp)[];
  excludeGlob?: readonly string[];
  include?: readonly (string | RegExp)[];
  includeGlob?: readonly string[];
}

export const NO_FILTER: PathFilter = { exclude: [], include: [] };

/** `fields` names the options in error messages (config files pass their own paths). */
export function makeFilter(spec: FilterSpec, fields = { exclude: "--exclude", include: "--include" }): PathFilter {
  return {
    exclude: [...(spec.exclude ?? []).map((r) => regex(r, fields.exclude)), ...(spec.excludeGlob ?? []).map(glob)],
    include: [...(spec.include ?? []).map((r) => regex(r, fields.include)), ...(spec.includeGlob ?? []).map(glob)],
  };
}

/** The path matches an exclude rule: report nothing for it, and do not descend. */
export function isExcluded(filter: PathFilter, path: string): boolean {
  for (const m of filter.exclude) if (m.test(path)) return true;
  return false;
}

/** The path should be reported: not excluded, and matching an include rule if any. */
export function isReported(filter: PathFilter, path: string): boolean {
  if (isExcluded(filter, path)) return false;
  if (filter.include.length === 0) return true;
  for (const m of filter.include) if (m.test(path)) return true;
  return false;
}

// --- internal ---

function regex(source: string | RegExp, field: string): Matcher {
  if (source instanceof RegExp) return { source: source.source, test: (p) => source.test(p) };
  try {
    const re = new RegExp(source);
    return { source, test: (p) => re.test(p) };
  } catch (err) {
    throw new ConfigError(
      `invalid regular expression ${JSON.stringify(source)}: ` +
        (err as Error).message.replace(/^Invalid regular expression: /, ""),
      field,
      source,
      "patterns are JavaScript regular expressions; escape literal dots and brackets, e.g. '\\.part$'",
    );
  }
}

function glob(pattern: string): Matcher {
  const g = new Bun.Glob(pattern);
  const whole = pattern.includes("/");
  return {
    source: pattern,
    test: (p) => g.match(whole ? p : p.slice(p.lastIndexOf("/") + 1)),
  };
}
