// What one album's search comes to, site by site: found anywhere → submitted; every site
// answered "no" → not found; a site failed and none found it → given back with the
// reason (never "not found"). And the shared cache: a coordinator that cannot answer is
// a miss (the site is asked), never an album's error.

import { expect, test } from "bun:test";
import { GazelleError } from "../../../../src/queue/gazelle/errors.ts";
import type { AlbumResult } from "../../../../src/queue/gazelle/search.ts";
import type { Torrent } from "../../../../src/queue/gazelle/types.ts";
import type { AlbumLease } from "../../../../src/queue/model.ts";
import { CoordinatorCache } from "../../../../src/queue/worker/cache.ts";
import { CoordinatorClient } from "../../../../src/queue/worker/coordinator.ts";
import { searchAlbum } from "../../../../src/queue/worker/metadata.ts";
import type { Site } from "../../../../src/queue/worker/sites.ts";

const LEASE: AlbumLease = {
  id: 7,
  lease: "l",
  artist: "Cockburn, Bruce",
  title: "Humans",
  extra: {},
  attempt: 1,
  until: 0,
};

/** A site whose search answers `r` (or throws it). */
function site(name: string, r: AlbumResult | Error): Site {
  const find = async () => {
    if (r instanceof Error) throw r;
    return r;
  };
  return { name, host: `${name}.example`, gazelle: undefined as never, search: { find } as never };
}

const found = (id: number): AlbumResult => ({
  found: true,
  via: "browse",
  rank: 2,
  groups: [],
  choices: [{ torrent: { id } as Torrent, score: 100 }],
});
const missing: AlbumResult = { found: false, artist: "Bruce Cockburn" };

test("found on one site, not on another: submitted with both answers", async () => {
  expect(await searchAlbum([site("a", found(11)), site("b", missing)], LEASE)).toEqual({
    sites: [
      { site: "a.example", torrentIds: [11] },
      { site: "b.example", torrentIds: [] },
    ],
  });
});

test("every site said no: submitted as not found", async () => {
  expect(await searchAlbum([site("a", missing), site("b", missing)], LEASE)).toEqual({
    sites: [
      { site: "a.example", torrentIds: [] },
      { site: "b.example", torrentIds: [] },
    ],
  });
});

test("a site failed and no site found it: given back with every reason, never not found", async () => {
  for (const reason of ["network", "rate-limited", "auth", "tracker", "http", "response"] as const) {
    const out = await searchAlbum(
      [site("a", missing), site("b", new GazelleError("b", reason, `browse: ${reason} trouble`))],
      LEASE,
    );
    expect(out).toEqual({ kind: "error", reason: `b: browse: ${reason} trouble` });
  }
  const bug = await searchAlbum([site("a", new TypeError("x is undefined"))], LEASE);
  expect(bug).toEqual({ kind: "error", reason: "a: x is undefined" });
});

test("found on one site while another failed: the find is submitted (the album is found)", async () => {
  const out = await searchAlbum([site("a", new GazelleError("a", "network", "down")), site("b", found(5))], LEASE);
  expect(out).toEqual({ sites: [{ site: "b.example", torrentIds: [5] }] });
});

test("the shared cache: a coordinator that cannot answer is a miss, and a failed store is not an error", async () => {
  const refused = (async () => {
    throw new TypeError("fetch failed: connection refused");
  }) as unknown as typeof fetch;
  const cache = new CoordinatorCache(new CoordinatorClient("http://127.0.0.1:9", "t", { fetch: refused }));
  expect(await cache.getArtist("a.example", "bruce cockburn")).toBeUndefined();
  await cache.putArtist("a.example", "bruce cockburn", { value: null, fetchedAt: 1 });
  expect([cache.hits, cache.misses]).toEqual([0, 1]);
});
