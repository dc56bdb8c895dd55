// A Mirror's excludes, on paths relative to its source: rsync's simple patterns, so that
// a remote destination can hand the same strings to rsync. A pattern without "/" matches
// the name of any entry (and so everything below an excluded directory); with "/" it
// matches the path from the source's top (a leading "/" is optional); a trailing "/"
// matches directories only. Globs are Bun's (*, ?, [..], **, {a,b}). A RegExp is tested
// on the relative path (local destinations only).

export interface Excludes {
  /** `rel` (or a directory above it) is excluded. `dir`: rel itself is a directory. */
  excludes(rel: string, dir: boolean): boolean;
  /** The patterns as rsync --exclude takes them (RegExps have none). */
  readonly patterns: string[];
  /** Everything it was made from, for makeExcludes in another thread. */
  readonly list: readonly (string | RegExp)[];
}

export const NO_EXCLUDES: Excludes = { excludes: () => false, patterns: [], list: [] };

export function makeExcludes(list: readonly (string | RegExp)[]): Excludes {
  if (list.length === 0) return NO_EXCLUDES;
  const tests = list.map(compile);
  return {
    patterns: list.filter((p): p is string => typeof p === "string"),
    list,
    excludes(rel, dir) {
      let at = 0;
      for (;;) {
        const slash = rel.indexOf("/", at);
        const prefix = slash < 0 ? rel : rel.slice(0, slash);
        const isDir = slash >= 0 || dir;
        for (const t of tests) if (t(prefix, isDir)) return true;
        if (slash < 0) return false;
        at = slash + 1;
      }
    },
  };
}

// --- internal ---

function compile(p: string | RegExp): (rel: string, dir: boolean) => boolean {
  if (p instanceof RegExp) return (rel) => p.test(rel);
  const dirOnly = p.endsWith("/");
  const body = dirOnly ? p.slice(0, -1) : p;
  const anchored = body.includes("/");
  const glob = new Bun.Glob(anchored ? body.replace(/^\//, "") : body);
  return (rel, dir) => {
    if (dirOnly && !dir) return false;
    return glob.match(anchored ? rel : rel.slice(rel.lastIndexOf("/") + 1));
  };
}
