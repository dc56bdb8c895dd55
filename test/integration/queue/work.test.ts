// `seedwatch queue work` end to end, every part real on loopback except the tracker: the
// compiled binary as worker, a real coordinator (queue serve), the fake Gazelle, and a
// watch-directory seedbox. An inventory CSV is imported, `work metadata` finds the album
// and chooses the best torrents, `work torrent` hands them to the seedbox (a valid
// .torrent with the right info hash lands in the watch dir), and `queue ls`/`status` say so.

import { afterEach, expect, test } from "bun:test";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { checkTorrentFile } from "../../../src/queue/gazelle/download.ts";
import { type FakeGazelle, startFakeGazelle } from "../../fakes/gazelle.ts";
import { addToken, queueCli, startCoordinator } from "../../helpers/queue.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { runWorker, writeInventory, writeWorkerConfig } from "../../helpers/worker.ts";

const fakes: FakeGazelle[] = [];
afterEach(async () => {
  for (const f of fakes.splice(0)) await f.close();
});

function fakeTracker(opts: Parameters<typeof startFakeGazelle>[0] = {}): FakeGazelle {
  const f = startFakeGazelle({ rateLimit: { requests: 100, windowMs: 1000 }, ...opts });
  fakes.push(f);
  return f;
}

interface AlbumRow {
  id: number;
  artist: string;
  title: string;
  state: string;
  error: string | null;
  results: { site: string; torrentIds: number[] }[];
}

interface DownloadRow {
  siteTorrentId: number;
  state: string;
  seedbox: string | null;
  infoHash: string | null;
  reason: string | null;
}

const ls = <T>(db: string, kind: "albums" | "downloads"): T[] =>
  JSON.parse(queueCli(db, ["ls", kind, "--json"]).stdout);

test(
  "CSV → work metadata finds the album, " + "chooses the best torrents → work torrent hands them to the watch dir",
  async () => {
    using dir = tempDir("q-work");
    const db = dir.join("queue.db");
    const fake = fakeTracker();
    writeInventory(dir, [
      ["Cockburn, Bruce", "You've Never Seen Everything"],
      ["Nobody, Really", "An Album No Tracker Has"],
    ]);
    expect(queueCli(db, ["import", dir.join("inventory.csv")]).code).toBe(0);
    const token = addToken(db, "box-a");
    await using coord = await startCoordinator(db, [], token);
    const { config, watchDir } = writeWorkerConfig(dir, coord.url, fake);

    const meta = await runWorker(["metadata", "5"], config, token);
    expect(meta.stderr).not.toContain(token);
    expect(meta.code).toBe(0);
    expect(meta.stdout).toContain("albums: 2 leased, 1 found, 1 not found, 0 given back");
    const host = new URL(fake.url).host;
    const albums = ls<AlbumRow>(db, "albums");
    expect(albums.map((a) => [a.title, a.state, a.results])).toEqual([
      ["You've Never Seen Everything", "found", [{ site: host, torrentIds: [3001, 3003] }]],
      ["An Album No Tracker Has", "not_found", [{ site: host, torrentIds: [] }]],
    ]);

    const dl = await runWorker(["torrent", "fake", "5", "box1"], config, token);
    expect(dl.code).toBe(0);
    expect(dl.stdout).toContain("downloads: 2 leased, 2 handed off to box1");
    // whatever the seedbox names them: whole files, nothing half-written, the site's exact bytes
    const files = readdirSync(watchDir);
    expect(files.length).toBe(2);
    expect(files.every((f) => f.endsWith(".torrent"))).toBe(true);
    const landed = new Map(
      files.map((f) => {
        const bytes = new Uint8Array(readFileSync(`${watchDir}/${f}`));
        return [checkTorrentFile("fake", 0, bytes, new Headers()).infoHash, bytes] as const;
      }),
    );
    for (const id of [3001, 3003]) {
      const want = fake.torrentFile(id);
      const got = landed.get(want.infoHash.toUpperCase());
      expect(got && Buffer.from(got).equals(Buffer.from(want.bytes))).toBe(true);
    }
    const downloads = ls<DownloadRow>(db, "downloads");
    expect(downloads.map((d) => [d.siteTorrentId, d.state, d.seedbox, d.infoHash])).toEqual([
      [3001, "handed_off", "box1", fake.torrentFile(3001).infoHash.toUpperCase()],
      [3003, "handed_off", "box1", fake.torrentFile(3003).infoHash.toUpperCase()],
    ]);
    const status = queueCli(db, ["status"]).stdout;
    expect(status).toContain("found 1");
    expect(status).toContain("handed off 2");
    // the metadata of each torrent is in the shared cache for `queue identify`
    const cached = await coord.json<{ body: { value: { torrent: { files: unknown[] } } } }>(
      "GET",
      `/api/v1/cache/torrent/${host}/3001`,
    );
    expect(cached.body.value.torrent.files.length).toBe(12);
  },
);

for (const style of ["ops", "red"] as const)
  test(
    `a tracker that rate-limits past the retries (${style} style) ` + `gives the album back, never "not found"`,
    async () => {
      using dir = tempDir("q-work-limit");
      const db = dir.join("queue.db");
      // the tracker allows 1 request a minute; the worker believes 50 per 50 ms
      const fake = fakeTracker({ style, rateLimit: { requests: 1, windowMs: 60_000 } });
      // not on the site: browse, then the artist page, which the tracker refuses
      writeInventory(dir, [["Nobody, Really", "An Album No Tracker Has"]]);
      queueCli(db, ["import", dir.join("inventory.csv")]);
      const token = addToken(db, "box-a");
      await using coord = await startCoordinator(db, [], token);
      const { config } = writeWorkerConfig(dir, coord.url, fake, { rate: { requests: 50, seconds: 0.05 } });
      const r = await runWorker(["metadata", "1"], config, token);
      expect(fake.limited).toBeGreaterThan(0);
      expect(r.code).toBe(10);
      expect(r.stdout).toContain("0 not found, 1 given back with an error");
      const [album] = ls<AlbumRow>(db, "albums");
      expect(album!.state).toBe("pending");
      expect(album!.error).toContain("rate-limited");
      expect(album!.results).toEqual([]);
    },
  );

for (const fault of ["http-500", "html-502", "not-json"] as const)
  test(`a tracker that fails (${fault}) gives the album back with the reason, never "not found"`, async () => {
    using dir = tempDir("q-work-fail");
    const db = dir.join("queue.db");
    const fake = fakeTracker();
    fake.fail(1000, fault);
    writeInventory(dir, [["Nobody, Really", "An Album No Tracker Has"]]);
    queueCli(db, ["import", dir.join("inventory.csv")]);
    const token = addToken(db, "box-a");
    await using coord = await startCoordinator(db, [], token);
    const { config } = writeWorkerConfig(dir, coord.url, fake);
    const r = await runWorker(["metadata", "1"], config, token);
    expect(r.code).toBe(10);
    const [album] = ls<AlbumRow>(db, "albums");
    expect(album!.state).toBe("pending");
    expect(album!.error).toMatch(/^fake: /);
    expect(album!.results).toEqual([]);
  });

test(
  "errors say where and what: worker.ts that does not load, " + "a bad field, a refused token, an unknown seedbox",
  async () => {
    using dir = tempDir("q-work-errors");
    const db = dir.join("queue.db");
    const fake = fakeTracker();
    const token = addToken(db, "box-a");
    await using coord = await startCoordinator(db, [], token);
    const { config } = writeWorkerConfig(dir, coord.url, fake);

    const broken = dir.join("broken.ts");
    writeFileSync(
      broken,
      'import { defineWorker } from "seedwatch";\nexport default defineWorker({ coordinator: { url: "x" ,, });\n',
    );
    const syntax = await runWorker(["metadata", "1"], broken, token);
    expect(syntax.code).toBe(9);
    expect(syntax.stderr).toContain(`${broken}:2:`);

    const typo = dir.join("typo.ts");
    writeFileSync(typo, readFileSync(config, "utf8").replace("watch_dir:", "watch_dri:"));
    const field = await runWorker(["metadata", "1"], typo, token);
    expect(field.code).toBe(3);
    expect(field.stderr).toContain("seedboxes[0]: needs one of rtorrent, transmission or watch_dir");
    expect(field.stderr).toContain("did you mean watch_dir?");

    const refused = await runWorker(["metadata", "1"], config, "not-the-token");
    expect(refused.code).toBe(10);
    expect(refused.stderr).toContain("HTTP 401");
    expect(refused.stderr).toContain("coordinator.token");
    expect(refused.stderr).not.toContain("not-the-token");

    const box = await runWorker(["torrent", "fake", "1", "box9"], config, token);
    expect(box.code).toBe(2);
    expect(box.stderr).toContain('no seedbox named "box9"');
    expect(box.stderr).toContain("the config has: box1");
  },
);
