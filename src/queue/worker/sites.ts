// The worker's trackers: one HttpGazelle and one AlbumSearch per configured site, all
// sharing one cache (the coordinator's, so every worker of the queue shares lookups).
// The coordinator knows a site by its host (distleech's netloc), the config by its name.

import type { Clock } from "../../clock.ts";
import { UsageError } from "../../errors.ts";
import type { GazelleCache } from "../gazelle/cache.ts";
import { type Gazelle, type GazelleSite, HttpGazelle } from "../gazelle/client.ts";
import type { Preferences } from "../gazelle/score.ts";
import { AlbumSearch } from "../gazelle/search.ts";
import { siteHost } from "../model.ts";

export interface Site {
  name: string;
  /** The coordinator's key for this site: "orpheus.network". */
  host: string;
  gazelle: Gazelle;
  search: AlbumSearch;
}

/** Wall time, as the coordinator stamps cached pages. */
export const wallClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export function openSites(
  configs: GazelleSite[],
  cache: GazelleCache,
  prefer: Preferences,
  make: (s: GazelleSite) => Gazelle = (s) => new HttpGazelle(s),
): Site[] {
  return configs.map((c) => {
    const host = siteHost(c.url);
    const gazelle = make(c);
    return { name: c.name, host, gazelle, search: new AlbumSearch(gazelle, cache, { host, prefer, clock: wallClock }) };
  });
}

/** The site named `name` (or whose host it is); otherwise a usage error naming those there are. */
export function siteNamed(sites: Site[], name: string): Site {
  const s = sites.find((x) => x.name === name) ?? sites.find((x) => x.host === siteHost(name));
  if (!s)
    throw new UsageError(
      `no site named "${name}" in the worker config`,
      `the config has: ${sites.map((x) => x.name).join(", ")}`,
    );
  return s;
}
