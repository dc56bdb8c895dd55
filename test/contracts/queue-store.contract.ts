// The QueueStore contract: the same cases against SQLite and PostgreSQL, so neither can
// drift. `newDb` names a fresh database; `open` opens a store on it (called again on the
// same name for a second connection, or to reopen).

import { describe, expect, test } from "bun:test";
import { FakeClock } from "../fakes/clock.ts";
import { DEFAULT_POLICY, type QueuePolicy } from "../../src/queue/model.ts";
import type { QueueStore } from "../../src/queue/store.ts";

export interface StoreMaker {
  newDb(): Promise<string>;
  open(db: string, clock: FakeClock, policy: QueuePolicy): Promise<QueueStore>;
}

const HOUR = 3_600_000;
const POLICY: QueuePolicy = { ...DEFAULT_POLICY, maxAttempts: 3, backoffBaseMs: 60_000, backoffMaxMs: 600_000 };
const START = 1_800_000_000_000;

export function testQueueStore(name: string, m: StoreMaker, skip?: string): void {
  const d = skip ? describe.skip : describe;
  d(`QueueStore contract: ${name}`, () => {
    async function fresh(policy = POLICY): Promise<{ store: QueueStore; clock: FakeClock; db: string }> {
      const clock = new FakeClock();
      await clock.advance(START);
      const db = await m.newDb();
      return { store: await m.open(db, clock, policy), clock, db };
    }
    async function withAlbums(n: number, policy = POLICY) {
      const f = await fresh(policy);
      await f.store.addAlbums(Array.from({ length: n }, (_, i) => ({ artist: `Artist ${i}`, title: `Album ${i}` })));
      return f;
    }

    test("import: added, exact and normalised duplicates skipped, extra columns kept", async () => {
      const { store } = await fresh();
      const first = await store.addAlbums([
        { artist: "Cockburn, Bruce", title: "Life Short Call Now", extra: { Label: "True North" } },
        { artist: "Cockburn, Bruce", title: "Life Short Call Now" },
        { artist: "cockburn,  BRUCE", title: "Life short call now!" },
        { artist: "The Beatles", title: "Abbey Road" },
        { artist: "Beatles", title: "Abbey Road" },
      ]);
      expect(first).toEqual(["added", "duplicate", "duplicate-normalised", "added", "duplicate-normalised"]);
      expect(await store.addAlbums([{ artist: "Cockburn, Bruce", title: "Life Short Call Now" }])).toEqual([
        "duplicate",
      ]);
      const page = await store.listAlbums({ limit: 10 });
      expect(page.items.map((a) => [a.artist, a.title, a.state])).toEqual([
        ["Cockburn, Bruce", "Life Short Call Now", "pending"],
        ["The Beatles", "Abbey Road", "pending"],
      ]);
      expect(page.items[0]!.extra).toEqual({ Label: "True North" });
      await store.close();
    });

    test("lease: in import order, each task once, each hand-out its own lease id", async () => {
      const { store } = await withAlbums(5);
      const a = await store.leaseAlbums("w1", 3);
      const b = await store.leaseAlbums("w2", 3);
      expect(a.map((x) => x.title)).toEqual(["Album 0", "Album 1", "Album 2"]);
      expect(b.map((x) => x.title)).toEqual(["Album 3", "Album 4"]);
      expect(a[0]!.lease).not.toBe(b[0]!.lease);
      expect(a[0]!.attempt).toBe(1);
      expect(await store.leaseAlbums("w3", 3)).toEqual([]);
      const listed = await store.listAlbums({ state: "leased", limit: 10 });
      expect(listed.items.map((x) => x.worker)).toEqual(["w1", "w1", "w1", "w2", "w2"]);
      await store.close();
    });

    test("an expired lease comes back; the old lease id can no longer extend or settle it", async () => {
      const { store, clock } = await withAlbums(1);
      const [first] = await store.leaseAlbums("w1", 1);
      await clock.advance(POLICY.albumLeaseMs - 1);
      expect(await store.leaseAlbums("w2", 1)).toEqual([]);
      await clock.advance(1);
      const [again] = await store.leaseAlbums("w2", 1);
      expect(again!.id).toBe(first!.id);
      expect(again!.attempt).toBe(2);
      expect(await store.extendAlbums([{ id: first!.id, lease: first!.lease }])).toEqual(["lost-lease"]);
      expect(
        await store.giveBackAlbums("w1", [{ id: first!.id, lease: first!.lease, kind: "error", reason: "x" }]),
      ).toEqual(["lost-lease"]);
      await expect(store.extendAlbums([{ id: 999, lease: "nope" }])).rejects.toThrow(/no album 999/);
      await store.close();
    });

    test("a heartbeat extends the lease from now", async () => {
      const { store, clock } = await withAlbums(1);
      const [l] = await store.leaseAlbums("w1", 1);
      await clock.advance(HOUR - 1000);
      expect(await store.extendAlbums([{ id: l!.id, lease: l!.lease }])).toEqual(["ok"]);
      await clock.advance(HOUR - 1000);
      expect(await store.leaseAlbums("w2", 1)).toEqual([]);
      await clock.advance(1000);
      expect((await store.leaseAlbums("w2", 1)).length).toBe(1);
      await store.close();
    });

    test("an error is not 'not found': the album waits out its backoff, attempts count, the cap fails it", async () => {
      const { store, clock } = await withAlbums(1);
      for (let attempt = 1; attempt <= POLICY.maxAttempts; attempt++) {
        const [l] = await store.leaseAlbums("w1", 1);
        expect(l!.attempt).toBe(attempt);
        expect(
          await store.giveBackAlbums("w1", [{ id: l!.id, lease: l!.lease, kind: "error", reason: "rate limited" }]),
        ).toEqual(["ok"]);
        const [album] = (await store.listAlbums({ limit: 1 })).items;
        if (attempt < POLICY.maxAttempts) {
          expect(album!.state).toBe("pending");
          expect(album!.error).toBe("rate limited");
          const wait = POLICY.backoffBaseMs * 2 ** (attempt - 1);
          await clock.advance(wait - 1);
          expect(await store.leaseAlbums("w1", 1)).toEqual([]);
          await clock.advance(1);
        } else {
          expect(album!.state).toBe("failed");
          expect(album!.error).toContain("rate limited");
        }
      }
      expect(await store.leaseAlbums("w1", 1)).toEqual([]);
      const stats = await store.stats();
      expect(stats.albums.not_found).toBe(0);
      expect(stats.albums.failed).toBe(1);
      await store.close();
    });

    test("a lease that keeps expiring fails at the cap", async () => {
      const { store, clock } = await withAlbums(1);
      for (let i = 0; i < POLICY.maxAttempts; i++) {
        expect((await store.leaseAlbums("w", 1)).length).toBe(1);
        await clock.advance(POLICY.albumLeaseMs);
      }
      expect(await store.leaseAlbums("w", 1)).toEqual([]);
      expect((await store.stats()).albums.failed).toBe(1);
      await store.close();
    });

    test("a plain give-back (release) is leased again at once and not counted", async () => {
      const { store } = await withAlbums(1);
      const [l] = await store.leaseAlbums("w1", 1);
      expect(
        await store.giveBackAlbums("w1", [{ id: l!.id, lease: l!.lease, kind: "release", reason: "shutting down" }]),
      ).toEqual(["ok"]);
      const [again] = await store.leaseAlbums("w2", 1);
      expect(again!.attempt).toBe(1);
      await store.close();
    });

    test("submit: found creates download tasks, not found is recorded, a retried submit changes nothing", async () => {
      const { store } = await withAlbums(2);
      const [a, b] = await store.leaseAlbums("w1", 2);
      const results = [
        { id: a!.id, lease: a!.lease, sites: [{ site: "red.example", torrentIds: [37, 38] }] },
        { id: b!.id, lease: b!.lease, sites: [{ site: "red.example", torrentIds: [] }] },
      ];
      expect(await store.submitAlbums("w1", results)).toEqual(["ok", "ok"]);
      expect(await store.submitAlbums("w1", results)).toEqual(["duplicate", "duplicate"]);
      const albums = (await store.listAlbums({ limit: 10 })).items;
      expect(albums.map((x) => x.state)).toEqual(["found", "not_found"]);
      expect(albums[0]!.results).toEqual([{ site: "red.example", torrentIds: [37, 38] }]);
      const downloads = (await store.listDownloads({ limit: 10 })).items;
      expect(downloads.map((x) => [x.site, x.siteTorrentId, x.state, x.albums])).toEqual([
        ["red.example", 37, "queued", [a!.id]],
        ["red.example", 38, "queued", [a!.id]],
      ]);
      // an unknown id refuses the whole batch: the known album in it is not written either
      const [c] = await store.addAlbums([{ artist: "X", title: "Y" }]).then(() => store.leaseAlbums("w1", 1));
      await expect(
        store.submitAlbums("w1", [
          { id: c!.id, lease: c!.lease, sites: [] },
          { id: 999, sites: [] },
        ]),
      ).rejects.toThrow(/no album 999/);
      expect((await store.listAlbums({ state: "leased", limit: 10 })).items.map((x) => x.id)).toEqual([c!.id]);
      await store.close();
    });

    test("two albums that match one torrent are both linked to it, and both settled", async () => {
      const { store } = await withAlbums(2);
      const [a, b] = await store.leaseAlbums("w1", 2);
      await store.submitAlbums("w1", [
        { id: a!.id, lease: a!.lease, sites: [{ site: "ops.example", torrentIds: [5] }] },
      ]);
      await store.submitAlbums("w2", [
        { id: b!.id, lease: b!.lease, sites: [{ site: "ops.example", torrentIds: [5] }] },
      ]);
      const downloads = (await store.listDownloads({ limit: 10 })).items;
      expect(downloads.length).toBe(1);
      expect(downloads[0]!.albums).toEqual([a!.id, b!.id]);
      expect((await store.stats()).albums.found).toBe(2);
      expect(await store.leaseAlbums("w1", 5)).toEqual([]);
      await store.close();
    });

    test("a result from a lease that expired still counts when nobody settled the album", async () => {
      const { store, clock } = await withAlbums(1);
      const [old] = await store.leaseAlbums("w1", 1);
      await clock.advance(POLICY.albumLeaseMs);
      const [cur] = await store.leaseAlbums("w2", 1);
      expect(await store.submitAlbums("w1", [{ id: old!.id, lease: old!.lease, sites: [] }])).toEqual(["ok"]);
      expect(await store.submitAlbums("w2", [{ id: cur!.id, lease: cur!.lease, sites: [] }])).toEqual(["duplicate"]);
      await store.close();
    });

    test("downloads: leased per site, handed off, completed; gone fails at once; errors back off", async () => {
      const { store, clock } = await withAlbums(1);
      const [a] = await store.leaseAlbums("w", 1);
      await store.submitAlbums("w", [
        {
          id: a!.id,
          lease: a!.lease,
          sites: [
            { site: "red.example", torrentIds: [1, 2, 3] },
            { site: "ops.example", torrentIds: [9] },
          ],
        },
      ]);
      const red = await store.leaseDownloads("seedbox-a", "red.example", 10);
      expect(red.map((x) => x.siteTorrentId)).toEqual([1, 2, 3]);
      expect(await store.leaseDownloads("seedbox-b", "red.example", 10)).toEqual([]);
      const [one, two, three] = red;
      expect(
        await store.handOff("seedbox-a", [
          { id: one!.id, lease: one!.lease, seedbox: "box1", infoHash: "AB".repeat(20) },
        ]),
      ).toEqual(["ok"]);
      expect(await store.handOff("seedbox-a", [{ id: one!.id, lease: one!.lease, seedbox: "box1" }])).toEqual([
        "duplicate",
      ]);
      expect(await store.handOff("seedbox-a", [{ id: two!.id, lease: "wrong", seedbox: "box1" }])).toEqual([
        "lost-lease",
      ]);
      const done = { site: "red.example", siteTorrentId: 1, localPath: "/tank/Album" };
      expect(await store.complete("fileserver", [done])).toEqual(["ok"]);
      expect(await store.complete("fileserver", [done])).toEqual(["duplicate"]);
      expect(await store.complete("fileserver", [{ ...done, siteTorrentId: 404 }])).toEqual(["unknown"]);
      expect(
        await store.giveBackDownloads("seedbox-a", [
          { id: two!.id, lease: two!.lease, kind: "gone", reason: "trumped" },
          { id: three!.id, lease: three!.lease, kind: "error", reason: "tracker down" },
        ]),
      ).toEqual(["ok", "ok"]);
      expect(await store.leaseDownloads("seedbox-a", "red.example", 10)).toEqual([]);
      await clock.advance(POLICY.backoffBaseMs);
      expect((await store.leaseDownloads("seedbox-a", "red.example", 10)).map((x) => x.siteTorrentId)).toEqual([3]);
      // (the order of ids among one submit's new tasks is the store's:
      // PostgreSQL inserts in (site, id) order, against deadlocks)
      const all = (await store.listDownloads({ limit: 10 })).items.sort((a, b) => a.siteTorrentId - b.siteTorrentId);
      expect(all.map((x) => [x.siteTorrentId, x.state])).toEqual([
        [1, "complete"],
        [2, "failed"],
        [3, "leased"],
        [9, "queued"],
      ]);
      expect(all[0]!.localPath).toBe("/tank/Album");
      expect(all[0]!.seedbox).toBe("box1");
      expect(all[1]!.reason).toBe("trumped");
      expect((await store.listDownloads({ site: "ops.example", limit: 10 })).items.length).toBe(1);
      const stats = await store.stats();
      expect(stats.downloadsBySite["red.example"]).toEqual({ complete: 1, failed: 1, leased: 1 });
      await store.close();
    });

    test("paging: keyset pages by id, filtered by state", async () => {
      const { store } = await withAlbums(7);
      await store.leaseAlbums("w", 2);
      const p1 = await store.listAlbums({ limit: 3 });
      const p2 = await store.listAlbums({ limit: 3, after: p1.next });
      const p3 = await store.listAlbums({ limit: 3, after: p2.next });
      expect([...p1.items, ...p2.items, ...p3.items].map((a) => a.title)).toEqual(
        Array.from({ length: 7 }, (_, i) => `Album ${i}`),
      );
      expect(p3.next).toBeUndefined();
      expect((await store.listAlbums({ state: "pending", limit: 10 })).items.length).toBe(5);
      await store.close();
    });

    test("stats, workers and recent activity", async () => {
      const { store } = await withAlbums(3);
      await store.leaseAlbums("alice", 1);
      await store.touchWorker("alice", "leased 1 album");
      const s = await store.stats();
      expect(s.albums).toEqual({ pending: 2, leased: 1, found: 0, not_found: 0, failed: 0, total: 3 });
      expect(s.workers.map((w) => [w.name, w.lastSeen])).toEqual([["alice", START]]);
      expect(s.activity[0]).toEqual({ at: START, worker: "alice", what: "leased 1 album" });
      await store.close();
    });

    test("metadata cache: artist pages expire after their TTL, torrent pages do not", async () => {
      const { store, clock } = await fresh();
      const body = { status: "success", response: { name: "Bruce Cockburn", torrentgroup: [] } };
      await store.cachePut("artist", "red.example", "Bruce Cockburn", body);
      await store.cachePut("torrent", "red.example", "37", { torrent: { fileList: "a.flac{{{1}}}" } });
      expect((await store.cacheGet("artist", "red.example", "Bruce Cockburn"))?.body).toEqual(body);
      expect(await store.cacheGet("artist", "ops.example", "Bruce Cockburn")).toBeUndefined();
      await clock.advance(POLICY.artistTtlMs);
      expect(await store.cacheGet("artist", "red.example", "Bruce Cockburn")).toBeUndefined();
      expect((await store.cacheGet("torrent", "red.example", "37"))?.fetchedAt).toBe(START);
      await store.close();
    });

    test("tokens: one per name, found by hash or name, revoked", async () => {
      const { store } = await fresh();
      const t = { name: "seedbox-a", hash: "h1", readOnly: false, createdAt: START };
      expect(await store.addToken(t)).toBe(true);
      expect(await store.addToken({ ...t, hash: "h2" })).toBe(false);
      expect(await store.addToken({ name: "page", hash: "h3", readOnly: true, createdAt: START })).toBe(true);
      expect(await store.tokenByHash("h1")).toEqual(t);
      expect((await store.tokenByName("page"))?.readOnly).toBe(true);
      expect((await store.listTokens()).map((x) => x.name)).toEqual(["page", "seedbox-a"]);
      expect(await store.revokeToken("seedbox-a")).toBe(true);
      expect(await store.revokeToken("seedbox-a")).toBe(false);
      expect(await store.tokenByHash("h1")).toBeUndefined();
      await store.close();
    });

    test("reopening keeps everything (migrations run once)", async () => {
      const { store, clock, db } = await withAlbums(2);
      await store.leaseAlbums("w", 1);
      await store.close();
      const again = await m.open(db, clock, POLICY);
      expect((await again.stats()).albums).toMatchObject({ pending: 1, leased: 1, total: 2 });
      await again.close();
    });

    test("50 concurrent clients over 5 connections: no task handed out twice", async () => {
      const { store, clock, db } = await withAlbums(600);
      const stores = [store, ...(await Promise.all([1, 2, 3, 4].map(() => m.open(db, clock, POLICY))))];
      const seen = new Map<number, string>();
      const doubles: number[] = [];
      await Promise.all(
        Array.from({ length: 50 }, async (_, c) => {
          const s = stores[c % stores.length]!;
          for (;;) {
            const got = await s.leaseAlbums(`client-${c}`, 3);
            if (got.length === 0) return;
            for (const l of got) {
              if (seen.has(l.id)) doubles.push(l.id);
              seen.set(l.id, `client-${c}`);
            }
            if (c % 2 === 0)
              await s.submitAlbums(
                `client-${c}`,
                got.map((l) => ({ id: l.id, lease: l.lease, sites: [] })),
              );
          }
        }),
      );
      expect(doubles).toEqual([]);
      expect(seen.size).toBe(600);
      await Promise.all(stores.map((s) => s.close()));
    });
  });
}
