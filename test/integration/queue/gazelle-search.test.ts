// Finding inventory albums on the fake tracker: browse first, the artist page as the
// fallback, the cache (one artist lookup for two albums, 7 days), exact titles winning.

import { afterEach, describe, expect, test } from "bun:test";
import { MemoryCache } from "../../../src/queue/gazelle/cache.ts";
import { HttpGazelle } from "../../../src/queue/gazelle/client.ts";
import { RateLimiter } from "../../../src/queue/gazelle/rate-limit.ts";
import { type AlbumResult, AlbumSearch } from "../../../src/queue/gazelle/search.ts";
import { DEFAULT_USER, type FakeGazelle, type FakeGazelleOptions, startFakeGazelle } from "../../fakes/gazelle.ts";

const fakes: FakeGazelle[] = [];
afterEach(async () => {
  for (const f of fakes.splice(0)) await f.close();
});

function rig(opts: FakeGazelleOptions = {}) {
  const f = startFakeGazelle({ rateLimit: { requests: 100, windowMs: 1000 }, ...opts });
  fakes.push(f);
  const g = new HttpGazelle(
    { name: "fake", url: f.url, auth: { api_key: DEFAULT_USER.apiKey, style: "token" } },
    { limiter: new RateLimiter({ requests: 100, windowMs: 1000 }) },
  );
  let now = 1_700_000_000_000;
  const clock = { now: () => now, setTimeout, clearTimeout };
  const cache = new MemoryCache();
  const search = new AlbumSearch(g, cache, { host: "fake.example", clock });
  const actions = () => f.requests.map((r) => r.action);
  return { f, search, cache, actions, advance: (ms: number) => (now += ms) };
}

const chosen = (r: AlbumResult) => (r.found ? r.choices.map((c) => [c.torrent.id, c.score]) : "not found");

describe("find", () => {
  test("browse by artist and album finds it; the best of each media at 100+ is chosen", async () => {
    const { search, actions } = rig();
    const r = await search.find({ sortArtist: "Cockburn, Bruce", album: "You've Never Seen Everything" });
    expect(r).toMatchObject({ found: true, via: "browse", rank: 2 });
    expect(chosen(r)).toEqual([
      [3001, 101],
      [3003, 100],
    ]);
    expect(actions()).toEqual(["browse"]);
  });

  test("browse misses (diacritics, punctuation): the artist page is the fallback", async () => {
    const { search, actions } = rig();
    const r = await search.find({ sortArtist: "Sigur Rós", album: "Agaetis Byrjun" });
    expect(r).toMatchObject({ found: true, via: "artist", rank: 1 });
    expect(r.found && r.groups.map((g) => g.name)).toEqual(["Ágætis byrjun"]);
    expect(chosen(r)).toEqual([[3051, 50]]);
    expect(actions()).toEqual(["browse", "artist"]);
  });

  test("a band with a comma in its name is found by its sort name as written", async () => {
    const { search } = rig();
    const r = await search.find({ sortArtist: "Earth, Wind & Fire", album: "That's the Way of the World" });
    expect(chosen(r)).toEqual([[3041, 100]]);
  });

  test("an exact title wins over a normalised one", async () => {
    const { f, search } = rig();
    f.addGroup({
      id: 90001,
      name: "Fear, Not!",
      year: 2013,
      artistIds: [1460],
      releaseType: 5,
      time: 1339119000,
      torrents: [
        { id: 90002, media: "WEB", format: "FLAC", encoding: "24bit Lossless", files: [["a.flac", 10]], filePath: "x" },
      ],
    });
    const exact = await search.find({ sortArtist: "Logistics", album: "Fear Not" });
    expect(exact.found && exact.groups.map((g) => g.id)).toEqual([2007]);
    const loose = await search.find({ sortArtist: "Logistics", album: "fear not" });
    expect(loose).toMatchObject({ rank: 1 });
    expect(loose.found && loose.groups.map((g) => g.id).sort()).toEqual([2007, 90001]);
  });

  test(
    "the site's answer 'not there' is not found; " +
      "a matching group with nothing acceptable is found, with no choice",
    async () => {
      const { f, search } = rig();
      expect(await search.find({ sortArtist: "Cockburn, Bruce", album: "No Such Album" })).toEqual({
        found: false,
        artist: "Bruce Cockburn",
      });
      expect(await search.find({ sortArtist: "Nobody, Some", album: "Nothing" })).toEqual({
        found: false,
        artist: "Some Nobody",
      });
      f.addGroup({
        id: 90010,
        name: "Tape Only",
        year: 1990,
        artistIds: [101],
        releaseType: 1,
        time: 1,
        torrents: [
          { id: 90011, media: "Cassette", format: "MP3", encoding: "320", files: [["a.mp3", 1]], filePath: "t" },
        ],
      });
      expect(await search.find({ sortArtist: "Cockburn, Bruce", album: "Tape Only" })).toMatchObject({
        found: true,
        choices: [],
      });
    },
  );
});

describe("the cache", () => {
  test("two albums of one artist cost one artist lookup, even at the same time", async () => {
    const { search, actions } = rig();
    // Both miss browse (an apostrophe dropped, an accent added), so both need the artist page.
    const [a, b] = await Promise.all([
      search.find({ sortArtist: "Cockburn, Bruce", album: "Youve Never Seen Everything" }),
      search.find({ sortArtist: "Cockburn, Bruce", album: "Lífe Short Call Now" }),
    ]);
    expect([a.found && a.via, b.found && b.via]).toEqual(["artist", "artist"]);
    expect(chosen(b)).toEqual([[3011, 100]]);
    await search.find({ sortArtist: "cockburn, bruce", album: "Youve Never Seen Everything" });
    expect(actions().filter((x) => x === "artist")).toEqual(["artist"]);
  });

  test("an artist answer is kept 7 days", async () => {
    const { search, actions, advance } = rig();
    await search.artist("Logistics");
    advance(7 * 24 * 3600_000 - 1);
    await search.artist("Logistics");
    expect(actions()).toEqual(["artist"]);
    advance(1);
    await search.artist("Logistics");
    expect(actions()).toEqual(["artist", "artist"]);
  });

  test("torrent metadata is fetched once and kept, file list included", async () => {
    const { search, cache, actions, advance } = rig();
    const d = await search.torrentDetail(3021);
    advance(365 * 24 * 3600_000);
    expect(await search.torrentDetail(3021)).toEqual(d!);
    expect(actions()).toEqual(["torrent"]);
    expect((await cache.getTorrent("fake.example", 3021))?.value.torrent.files.length).toBe(13);
  });
});
