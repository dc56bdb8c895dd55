// /api/v1: what seedwatch workers use. Leases carry ids; a worker extends them
// (heartbeat), settles them, or gives them back with a reason. Every batch is validated
// whole before anything is written, and answered per item ("ok", "duplicate" for a
// retried submit, "lost-lease" when the lease ran out and another worker has the task).

import {
  ALBUM_STATES,
  DOWNLOAD_STATES,
  siteHost,
  type CacheKind,
  type GiveBack,
  type GiveBackKind,
  type LeaseRef,
} from "../model.ts";
import { ApiError, arr, bad, bodyJson, int, json, obj, oneOf, only, str } from "./respond.ts";
import { route, type Ctx, type Route } from "./route.ts";

const MAX_BATCH = 100;
const MAX_PAGE = 1000;
/** Cached pages (a Gazelle artist or torrent response) larger than this are refused. */
export const MAX_CACHE_BYTES = 512 * 1024;

export const apiRoutes: Route[] = [
  route("GET", "/api/v1/whoami", false, async (c) => json({ name: c.who.name, readOnly: c.who.readOnly })),

  route("POST", "/api/v1/albums/lease", true, async (c) => {
    const b = await body(c, ["n"]);
    const leases = await c.store.leaseAlbums(c.who.name, int(b.n, "n", 1, MAX_BATCH));
    c.metrics.addLeased("album", leases.length);
    return json({ leases });
  }),
  route("POST", "/api/v1/albums/extend", true, async (c) => {
    const b = await body(c, ["leases"]);
    return json({ results: await c.store.extendAlbums(refs(b.leases, "leases")) });
  }),
  route("POST", "/api/v1/albums/give-back", true, async (c) => {
    const b = await body(c, ["items"]);
    return json({ results: await c.store.giveBackAlbums(c.who.name, giveBacks(b.items, ["error", "release"])) });
  }),
  route("POST", "/api/v1/albums/submit", true, async (c) => {
    const b = await body(c, ["results"]);
    const results = arr(b.results, "results", MAX_BATCH).map((r, i) => {
      const p = `results[${i}]`;
      const o = obj(r, p);
      only(o, p, ["id", "lease", "sites"]);
      return {
        id: int(o.id, `${p}.id`, 1),
        lease: str(o.lease, `${p}.lease`, 64),
        sites: arr(o.sites, `${p}.sites`, 50).map((s, k) => {
          const sp = `${p}.sites[${k}]`;
          const so = obj(s, sp);
          only(so, sp, ["site", "torrentIds"]);
          return {
            site: siteHost(str(so.site, `${sp}.site`, 255)),
            torrentIds: [
              ...new Set(
                arr(so.torrentIds, `${sp}.torrentIds`, 100).map((t, j) => int(t, `${sp}.torrentIds[${j}]`, 1)),
              ),
            ],
          };
        }),
      };
    });
    return json({ results: await c.store.submitAlbums(c.who.name, results) });
  }),

  route("POST", "/api/v1/downloads/lease", true, async (c) => {
    const b = await body(c, ["site", "n"]);
    const site = siteHost(str(b.site, "site", 255));
    const leases = await c.store.leaseDownloads(c.who.name, site, int(b.n, "n", 1, MAX_BATCH));
    c.metrics.addLeased("download", leases.length);
    return json({ leases });
  }),
  route("POST", "/api/v1/downloads/extend", true, async (c) => {
    const b = await body(c, ["leases"]);
    return json({ results: await c.store.extendDownloads(refs(b.leases, "leases")) });
  }),
  route("POST", "/api/v1/downloads/give-back", true, async (c) => {
    const b = await body(c, ["items"]);
    return json({
      results: await c.store.giveBackDownloads(c.who.name, giveBacks(b.items, ["error", "release", "gone"])),
    });
  }),
  route("POST", "/api/v1/downloads/hand-off", true, async (c) => {
    const b = await body(c, ["items"]);
    const items = arr(b.items, "items", MAX_BATCH).map((x, i) => {
      const p = `items[${i}]`;
      const o = obj(x, p);
      only(o, p, ["id", "lease", "seedbox", "infoHash"]);
      const infoHash = o.infoHash === undefined ? undefined : str(o.infoHash, `${p}.infoHash`, 64);
      if (infoHash !== undefined && !/^[0-9a-fA-F]{40}$/.test(infoHash))
        throw bad(`${p}.infoHash`, "must be 40 hex digits");
      return {
        ...ref(o, p),
        seedbox: str(o.seedbox, `${p}.seedbox`, 255),
        ...(infoHash ? { infoHash: infoHash.toUpperCase() } : {}),
      };
    });
    return json({ results: await c.store.handOff(c.who.name, items) });
  }),
  route("POST", "/api/v1/downloads/complete", true, async (c) => {
    const b = await body(c, ["items"]);
    const items = arr(b.items, "items", MAX_BATCH).map((x, i) => {
      const p = `items[${i}]`;
      const o = obj(x, p);
      only(o, p, ["site", "siteTorrentId", "localPath"]);
      return {
        site: siteHost(str(o.site, `${p}.site`, 255)),
        siteTorrentId: int(o.siteTorrentId, `${p}.siteTorrentId`, 1),
        localPath: str(o.localPath, `${p}.localPath`),
      };
    });
    return json({ results: await c.store.complete(c.who.name, items) });
  }),

  route("GET", "/api/v1/albums", false, async (c) => json(await c.store.listAlbums(listQuery(c, ALBUM_STATES)))),
  route("GET", "/api/v1/downloads", false, async (c) =>
    json(await c.store.listDownloads(listQuery(c, DOWNLOAD_STATES))),
  ),

  route("GET", "/api/v1/cache/:kind/:site/:key", false, async (c) => {
    const [kind, site, key] = cacheKey(c);
    const hit = await c.store.cacheGet(kind, site, key);
    if (!hit)
      throw new ApiError(
        404,
        `no fresh ${kind} page for ${JSON.stringify(key)} on ${site}`,
        "fetch it from the site, then PUT it here",
      );
    return json(hit);
  }),
  route("PUT", "/api/v1/cache/:kind/:site/:key", true, async (c) => {
    const [kind, site, key] = cacheKey(c);
    const raw = await bodyJson(c.req);
    if (JSON.stringify(raw).length > MAX_CACHE_BYTES)
      throw new ApiError(413, `a cached page is at most ${MAX_CACHE_BYTES} bytes`);
    await c.store.cachePut(kind, site, key, raw);
    return json({ stored: true });
  }),
];

// --- internal ---

async function body(c: Ctx, fields: string[]): Promise<Record<string, unknown>> {
  const o = obj(await bodyJson(c.req), "");
  only(o, "", fields);
  return o;
}

function ref(o: Record<string, unknown>, p: string): LeaseRef {
  return { id: int(o.id, `${p}.id`, 1), lease: str(o.lease, `${p}.lease`, 64) };
}

function refs(v: unknown, path: string): LeaseRef[] {
  return arr(v, path, MAX_BATCH).map((x, i) => {
    const o = obj(x, `${path}[${i}]`);
    only(o, `${path}[${i}]`, ["id", "lease"]);
    return ref(o, `${path}[${i}]`);
  });
}

function giveBacks(v: unknown, kinds: GiveBackKind[]): GiveBack[] {
  return arr(v, "items", MAX_BATCH).map((x, i) => {
    const p = `items[${i}]`;
    const o = obj(x, p);
    only(o, p, ["id", "lease", "kind", "reason"]);
    return { ...ref(o, p), kind: oneOf(o.kind, `${p}.kind`, kinds), reason: str(o.reason, `${p}.reason`, 500) };
  });
}

function listQuery(c: Ctx, states: readonly string[]) {
  const q = c.url.searchParams;
  for (const k of q.keys())
    if (!["state", "site", "after", "limit"].includes(k))
      throw bad(k, "is not a query parameter here (state, site, after, limit)");
  const num = (k: string, min: number, max: number, d: number) => {
    const v = q.get(k);
    if (v === null) return d;
    if (!/^\d+$/.test(v)) throw bad(k, `must be an integer from ${min} to ${max}`);
    return int(Number(v), k, min, max);
  };
  const state = q.get("state") ?? undefined;
  if (state !== undefined) oneOf(state, "state", states);
  const site = q.get("site");
  return {
    ...(state ? { state } : {}),
    ...(site ? { site: siteHost(site) } : {}),
    after: num("after", 0, Number.MAX_SAFE_INTEGER, 0),
    limit: num("limit", 1, MAX_PAGE, 100),
  };
}

function cacheKey(c: Ctx): [CacheKind, string, string] {
  const kind = oneOf(c.params.kind, "kind", ["artist", "torrent"] as const);
  return [kind, siteHost(c.params.site!), str(c.params.key, "key", 1024)];
}
