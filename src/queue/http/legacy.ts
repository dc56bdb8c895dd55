// distleech's endpoints, for its existing clients: the same paths, request and response
// shapes as its README, with its bugs left out — JSON is served as application/json, a
// JSON body needs no Content-Type (the README's own curl example sends none), a bad
// `rows` is a 400 rather than a 500, torrent id 0 is refused, and every route needs a
// token. Results sent here have no lease: they settle the album whoever held it.

import { siteHost, type AlbumResult, type Completion } from "../model.ts";
import { ApiError, arr, bad, bodyJson, bodyText, int, json, obj, only, str, text } from "./respond.ts";
import { route, type Route } from "./route.ts";

/** distleech's cap on one request's tasks. */
export const LEGACY_MAX = 100;

export const legacyRoutes: Route[] = [
  route("GET", "/metadata/:n", true, async (c) => {
    if (!/^\d+$/.test(c.params.n!))
      throw new ApiError(
        404,
        `/metadata/${c.params.n} is not a number of albums`,
        "GET /metadata/N with N from 1 to 100",
      );
    const n = Math.min(LEGACY_MAX, Number(c.params.n));
    const leases = n === 0 ? [] : await c.store.leaseAlbums(c.who.name, n);
    c.metrics.addLeased("album", leases.length);
    return json({ albums: leases.map((l) => ({ id: l.id, album: l.title, sortArtist: l.artist })) });
  }),

  route(["POST", "PUT"], "/metadata/submit", true, async (c) => {
    const body = obj(await bodyJson(c.req), "");
    const results: AlbumResult[] = Object.entries(body).map(([key, list]) => {
      if (!/^\d+$/.test(key)) throw bad(`["${key}"]`, "is not an album id");
      return { id: Number(key), sites: bySite(arr(list, `["${key}"]`), `["${key}"]`) };
    });
    if (results.length === 0) throw bad("", "names no album");
    await c.store.submitAlbums(c.who.name, results);
    return text("Ok");
  }),

  route("POST", "/torrents", true, async (c) => {
    const form = await formOrJson(c.req);
    const site = form.get("site");
    if (!site) return json({ torrents: [] });
    const rowsText = form.get("rows") ?? "0";
    if (!/^\d+$/.test(rowsText)) throw bad("rows", "must be an integer from 0 to 100");
    const host = siteHost(site);
    const n = Math.min(LEGACY_MAX, Number(rowsText));
    const leases = n === 0 ? [] : await c.store.leaseDownloads(c.who.name, host, n);
    c.metrics.addLeased("download", leases.length);
    return json({ site: host, torrents: leases.map((l) => ({ id: l.id, siteTorrentId: l.siteTorrentId })) });
  }),

  route(["POST", "PUT"], "/torrents/submit", true, async (c) => {
    const body = obj(await bodyJson(c.req), "");
    const items: Completion[] = [];
    for (const [localPath, list] of Object.entries(body))
      for (const [i, e] of arr(list, `["${localPath}"]`).entries()) {
        const p = `["${localPath}"][${i}]`;
        const entry = obj(e, p);
        only(entry, p, ["site", "torrentId"]);
        items.push({
          localPath: str(localPath, "path"),
          site: siteHost(str(entry.site, `${p}.site`)),
          siteTorrentId: int(entry.torrentId, `${p}.torrentId`, 1),
        });
      }
    if (Object.keys(body).length === 0) throw bad("", "names no directory");
    await c.store.complete(c.who.name, items);
    return text("Ok");
  }),
];

// --- internal ---

/** [{site, torrentId}] → per site, its torrent ids (distleech sent one entry per torrent). */
function bySite(list: unknown[], path: string): AlbumResult["sites"] {
  const sites = new Map<string, number[]>();
  for (const [i, e] of list.entries()) {
    const p = `${path}[${i}]`;
    const entry = obj(e, p);
    only(entry, p, ["site", "torrentId"]);
    const site = siteHost(str(entry.site, `${p}.site`));
    const id = int(entry.torrentId, `${p}.torrentId`, 1);
    const ids = sites.get(site) ?? [];
    if (!ids.includes(id)) ids.push(id);
    sites.set(site, ids);
  }
  return [...sites].map(([site, torrentIds]) => ({ site, torrentIds }));
}

/** `site=…&rows=…` as curl -d sends it, or the same as a JSON object. */
async function formOrJson(req: Request): Promise<URLSearchParams> {
  const raw = await bodyText(req);
  if (raw.trim().startsWith("{")) {
    try {
      const o = obj(JSON.parse(raw), "");
      return new URLSearchParams(Object.entries(o).map(([k, v]): [string, string] => [k, String(v)]));
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw bad("", "is neither a form nor JSON");
    }
  }
  return new URLSearchParams(raw);
}
