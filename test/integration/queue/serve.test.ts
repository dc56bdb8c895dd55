// queue serve, the compiled binary, on each backend: distleech's README examples, tokens,
// the v1 lease cycle, validation, draining on SIGTERM, and 50 concurrent clients on two
// coordinators sharing one database.

import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { waitFor } from "../../helpers/wait.ts";
import { addToken, queueCli, startCoordinator, type Coordinator } from "../../helpers/queue.ts";
import { BACKENDS } from "../../helpers/queue-backends.ts";
import { tempDir } from "../../helpers/tmp.ts";

const CSV =
  "Artist Name,Album Title\n" +
  `"Cockburn, Bruce",You've Never Seen Everything\n` +
  `"Cockburn, Bruce",Life Short Call Now\n`;

async function seeded(db: string, albums = CSV): Promise<void> {
  using dir = tempDir("inv");
  await Bun.write(dir.join("inv.csv"), albums);
  const r = queueCli(db, ["import", dir.join("inv.csv")]);
  if (r.code !== 0) throw new Error(r.stderr);
}

type Lease = { id: number; lease: string; artist: string; title: string };

/** A lease request whose body is still being sent: in flight until `end()`. */
async function slowRequest(c: Coordinator) {
  let send!: (s: string) => void;
  let end!: () => void;
  const body = new ReadableStream<Uint8Array>({
    start(ctl) {
      send = (s) => ctl.enqueue(new TextEncoder().encode(s));
      end = () => ctl.close();
    },
  });
  const response = fetch(`${c.url}/api/v1/albums/lease`, {
    method: "POST",
    headers: { authorization: `Bearer ${c.token}`, "content-type": "application/json" },
    body,
    duplex: "half",
  } as RequestInit);
  response.catch(() => {});
  send('{"n":');
  await waitFor(async () => {
    const m = await (await c.call("GET", "/metrics")).text();
    return /seedwatch_queue_requests_in_flight 2/.test(m);
  }, "the slow request is in flight");
  return { send, end, response };
}

for (const b of BACKENDS) {
  const d = b.skip ? describe.skip : describe;
  if (b.skip) test.skip(`queue serve on ${b.name}: ${b.skip}`, () => {});
  d(`queue serve on ${b.name}`, () => {
    test("distleech's README examples work as written, answered as JSON", async () => {
      const db = await b.fresh();
      await seeded(db);
      const token = addToken(db, "legacy");
      await using c = await startCoordinator(db, [], token);
      const basic = { authorization: `Basic ${btoa(`legacy:${token}`)}` };
      // curl http://localhost:5000/metadata/2 (with the Basic credentials distleech clients send)
      const meta = await fetch(`${c.url}/metadata/2`, { headers: basic });
      expect(meta.headers.get("content-type")).toStartWith("application/json");
      const { albums } = (await meta.json()) as { albums: { id: number; album: string; sortArtist: string }[] };
      expect(albums.map((a) => [a.album, a.sortArtist])).toEqual([
        ["You've Never Seen Everything", "Cockburn, Bruce"],
        ["Life Short Call Now", "Cockburn, Bruce"],
      ]);
      const [first, second] = albums;
      // curl -H "Content-type: application/json" -X POST …/metadata/submit -d '{"111": […], "444": []}'
      const submit = await fetch(`${c.url}/metadata/submit`, {
        method: "POST",
        headers: { ...basic, "content-type": "application/json" },
        body: `{"${first!.id}": [{"site":"https://passtheheadphones.me/", "torrentId":37}], "${second!.id}":[]}`,
      });
      expect([submit.status, await submit.text()]).toEqual([200, "Ok"]);
      // curl -X POST …/torrents -d 'site=https://passtheheadphones.me&rows=5'
      const torrents = await fetch(`${c.url}/torrents`, {
        method: "POST",
        headers: { ...basic, "content-type": "application/x-www-form-urlencoded" },
        body: "site=https://passtheheadphones.me&rows=5",
      });
      expect(await torrents.json()).toEqual({
        site: "passtheheadphones.me",
        torrents: [{ id: expect.any(Number), siteTorrentId: 37 }],
      });
      // curl -X POST …/torrents/submit -d '{"/path/to/dir": […]}'   (no Content-Type: distleech answered 400)
      const done = await fetch(`${c.url}/torrents/submit`, {
        method: "POST",
        headers: { ...basic, "content-type": "application/x-www-form-urlencoded" },
        body: '{"/path/to/dir": [{"site": "https://passtheheadphones.me", "torrentId": 37}]}',
      });
      expect([done.status, await done.text()]).toEqual([200, "Ok"]);
      const stats = (await (await fetch(`${c.url}/stats`, { headers: basic })).json()) as {
        albums: Record<string, number>;
        downloads: Record<string, number>;
      };
      expect(stats.albums).toMatchObject({ found: 1, not_found: 1, total: 2 });
      expect(stats.downloads).toMatchObject({ complete: 1 });
      const ls = queueCli(db, ["ls", "downloads", "--json"]);
      expect(JSON.parse(ls.stdout)[0]).toMatchObject({ site: "passtheheadphones.me", localPath: "/path/to/dir" });
      expect((await fetch(`${c.url}/torrents`, { headers: basic })).status).toBe(405);
    });

    test(
      "every route needs a token; " + "a read-only token reads but cannot lease; a revoked one stops working",
      async () => {
        const db = await b.fresh();
        await seeded(db);
        const page = addToken(db, "page", true);
        await using c = await startCoordinator(db);
        for (const path of ["/", "/stats", "/metrics", "/metadata/1", "/api/v1/stats", "/no/such/route"]) {
          const r = await fetch(c.url + path);
          expect([path, r.status]).toEqual([path, 401]);
          expect(r.headers.get("www-authenticate")).toContain("Basic");
        }
        expect((await fetch(`${c.url}/stats`, { headers: { authorization: `Bearer ${c.token}x` } })).status).toBe(401);
        expect(
          (await fetch(`${c.url}/stats`, { headers: { authorization: `Basic ${btoa(`page:${c.token}`)}` } })).status,
        ).toBe(401);
        const ro = { authorization: `Basic ${btoa(`page:${page}`)}` };
        expect((await fetch(`${c.url}/`, { headers: ro })).headers.get("content-type")).toStartWith("text/html");
        expect((await fetch(`${c.url}/api/v1/stats`, { headers: ro })).status).toBe(200);
        const lease = await fetch(`${c.url}/metadata/1`, { headers: ro });
        expect(lease.status).toBe(403);
        expect(((await lease.json()) as { error: string }).error).toContain("read-only");
        expect(queueCli(db, ["token", "revoke", "page"]).code).toBe(0);
        await waitFor(
          async () => (await fetch(`${c.url}/api/v1/stats`, { headers: ro })).status === 401,
          "revoked token refused",
        );
      },
    );

    test("v1: lease, heartbeat, give back an error (not 'not found'), submit twice, paging", async () => {
      const db = await b.fresh();
      await seeded(db);
      await using c = await startCoordinator(db);
      const { leases } = await c.json<{ leases: Lease[] }>("POST", "/api/v1/albums/lease", { n: 10 });
      expect(leases.length).toBe(2);
      const [a, z] = leases;
      expect(await c.json("POST", "/api/v1/albums/extend", { leases: [{ id: a!.id, lease: a!.lease }] })).toEqual({
        results: ["ok"],
      });
      expect(
        await c.json("POST", "/api/v1/albums/give-back", {
          items: [{ id: z!.id, lease: z!.lease, kind: "error", reason: "tracker down" }],
        }),
      ).toEqual({ results: ["ok"] });
      const submit = {
        results: [{ id: a!.id, lease: a!.lease, sites: [{ site: "https://red.example/", torrentIds: [7, 7, 8] }] }],
      };
      expect(await c.json("POST", "/api/v1/albums/submit", submit)).toEqual({ results: ["ok"] });
      expect(await c.json("POST", "/api/v1/albums/submit", submit)).toEqual({ results: ["duplicate"] });
      const albums = await c.json<{ items: { state: string; error: string | null }[] }>("GET", "/api/v1/albums");
      expect(albums.items.map((x) => x.state)).toEqual(["found", "pending"]);
      expect(albums.items[1]!.error).toBe("tracker down");
      const p1 = await c.json<{ items: { siteTorrentId: number }[]; next: number }>("GET", "/api/v1/downloads?limit=1");
      const p2 = await c.json<{ items: { siteTorrentId: number }[]; next?: number }>(
        "GET",
        `/api/v1/downloads?limit=1&after=${p1.next}`,
      );
      expect([...p1.items, ...p2.items].map((x) => x.siteTorrentId)).toEqual([7, 8]);
      expect(p2.next).toBeUndefined();
      const dl = await c.json<{ leases: { id: number; lease: string }[] }>("POST", "/api/v1/downloads/lease", {
        site: "red.example",
        n: 5,
      });
      expect(
        await c.json("POST", "/api/v1/downloads/hand-off", {
          items: [{ id: dl.leases[0]!.id, lease: dl.leases[0]!.lease, seedbox: "box1", infoHash: "ab".repeat(20) }],
        }),
      ).toEqual({ results: ["ok"] });
      expect(await c.json("PUT", "/api/v1/cache/artist/red.example/Bruce%20Cockburn", { status: "success" })).toEqual({
        stored: true,
      });
      expect(await c.json("GET", "/api/v1/cache/artist/red.example/Bruce%20Cockburn")).toMatchObject({
        body: { status: "success" },
      });
      expect((await c.call("GET", "/api/v1/cache/torrent/red.example/1")).status).toBe(404);
      const metrics = await (await c.call("GET", "/metrics")).text();
      expect(metrics).toContain('seedwatch_queue_leased_total{kind="album"} 2');
      expect(metrics).toContain('seedwatch_queue_downloads{site="red.example",state="handed_off"} 1');
      expect(metrics).toMatch(/seedwatch_queue_request_duration_seconds_count\{route="\/api\/v1\/albums\/lease"\} 1/);
    });

    test("a bad request says which field, with a hint, and writes nothing", async () => {
      const db = await b.fresh();
      await seeded(db);
      await using c = await startCoordinator(db);
      const { leases } = await c.json<{ leases: Lease[] }>("POST", "/api/v1/albums/lease", { n: 2 });
      const cases: [unknown, number, string][] = [
        [
          {
            results: [
              { id: leases[0]!.id, lease: leases[0]!.lease, sites: [] },
              { id: "2", lease: "x", sites: [] },
            ],
          },
          400,
          "results[1].id must be an integer",
        ],
        [
          { results: [{ id: leases[0]!.id, lease: leases[0]!.lease, sites: [{ site: "a", torrentIds: [0] }] }] },
          400,
          "results[0].sites[0].torrentIds[0] must be an integer from 1",
        ],
        [{ results: [], extra: 1 }, 400, "extra is not a field here"],
        [
          {
            results: [
              { id: leases[0]!.id, lease: leases[0]!.lease, sites: [] },
              { id: 99999, lease: "x", sites: [] },
            ],
          },
          404,
          "no album 99999",
        ],
        ["{not json", 400, "not JSON"],
        [{ results: "x".repeat(2 << 20) }, 413, "larger than"],
      ];
      for (const [body, status, error] of cases) {
        const r = await c.call("POST", "/api/v1/albums/submit", body);
        const raw = await r.text();
        const got = JSON.parse(raw || "{}") as { error: string; hint?: string };
        expect([r.status, got.error, raw]).toEqual([status, expect.stringContaining(error), expect.any(String)]);
        expect(got.hint).toBeString();
      }
      const legacy = await c.call("POST", "/metadata/submit", {
        [leases[0]!.id]: [{ site: "a.example", torrentId: 0 }],
      });
      expect(legacy.status).toBe(400);
      expect(((await legacy.json()) as { error: string }).error).toContain(`["${leases[0]!.id}"][0].torrentId`);
      const albums = await c.json<{ items: { state: string }[] }>("GET", "/api/v1/albums");
      expect(albums.items.map((x) => x.state)).toEqual(["leased", "leased"]);
    });

    test("SIGTERM drains: a request in flight is answered, then the coordinator exits 0", async () => {
      const db = await b.fresh();
      await seeded(db);
      await using c = await startCoordinator(db);
      const { send, end, response: slow } = await slowRequest(c);
      c.run.proc.kill("SIGTERM");
      await c.run.waitStderr(/stopping: answering 1 request in flight/, "draining");
      send(" 2}");
      end();
      const r = await slow;
      expect(r.status).toBe(200);
      expect(((await r.json()) as { leases: unknown[] }).leases.length).toBe(2);
      expect(await c.run.stop()).toBe(0);
      expect(c.run.stderr).toContain("stopped");
      // the checkpoint thread's last checkpoint ran and the database closed cleanly
      if (b.name === "sqlite") expect(existsSync(`${db}-wal`)).toBe(false);
    });

    test("a second signal ends at once (exit 130), without waiting for a request that never ends", async () => {
      const db = await b.fresh();
      await seeded(db);
      await using c = await startCoordinator(db);
      const { response } = await slowRequest(c);
      c.run.proc.kill("SIGTERM");
      await c.run.waitStderr(/stopping: answering 1 request in flight/, "draining");
      c.run.proc.kill("SIGTERM");
      expect(await c.run.stop()).toBe(130);
      expect(c.run.stderr).toContain("stopping now: closing 1 request still in flight");
      expect(
        await response.then(
          () => "answered",
          () => "closed",
        ),
      ).toBe("closed");
    });

    test("50 concurrent clients on two coordinators sharing the database: no album handed out twice", async () => {
      const db = await b.fresh();
      const rows = Array.from({ length: 1000 }, (_, i) => `Artist ${i},Album ${i}`).join("\n");
      await seeded(db, `Artist Name,Album Title\n${rows}\n`);
      await using one = await startCoordinator(db);
      await using two = await startCoordinator(db);
      const seen = new Map<number, number>();
      let doubles = 0;
      await Promise.all(
        Array.from({ length: 50 }, async (_, i) => {
          const c = i % 2 ? one : two;
          for (;;) {
            const { leases } = await c.json<{ leases: Lease[] }>("POST", "/api/v1/albums/lease", { n: 10 });
            if (leases.length === 0) return;
            for (const l of leases) {
              if (seen.has(l.id)) doubles++;
              seen.set(l.id, i);
            }
            await c.json("POST", "/api/v1/albums/submit", {
              results: leases.map((l) => ({
                id: l.id,
                lease: l.lease,
                sites: [{ site: "red.example", torrentIds: [l.id] }],
              })),
            });
          }
        }),
      );
      expect(doubles).toBe(0);
      expect(seen.size).toBe(1000);
      const stats = await one.json<{ albums: Record<string, number>; downloads: Record<string, number> }>(
        "GET",
        "/api/v1/stats",
      );
      expect(stats.albums.found).toBe(1000);
      expect(stats.downloads.queued).toBe(1000);
    });
  });
}
