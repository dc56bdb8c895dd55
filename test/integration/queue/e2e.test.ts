// The queue end to end, on loopback, every part real but the private tracker: a CSV
// imported into a coordinator (`queue import`, `queue serve`: the compiled binary), two
// workers (`queue work --config`, the binary), the fake Gazelle tracker serving a
// .torrent whose data a second real rtorrent seeds, and a real rtorrent seedbox that
// downloads it. The album is found, the best torrent chosen, handed off, downloaded and
// reported complete with its path (by the worker's rtorrent index); the coordinator's
// /stats and its web page, in a real browser, say so.

import { afterEach, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { type FakeGazelle, startFakeGazelle } from "../../fakes/gazelle.ts";
import { launchChromium, NO_CHROMIUM } from "../../helpers/chromium.ts";
import { addToken, queueCli, startCoordinator } from "../../helpers/queue.ts";
import { HAVE_RTORRENT } from "../../helpers/rtorrentd.ts";
import { addSwarmAlbum, startSwarm, SWARM_ALBUM } from "../../helpers/swarm.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { waitFor } from "../../helpers/wait.ts";
import { startWorker, writeInventory, writeWorkerConfig } from "../../helpers/worker.ts";

const fakes: FakeGazelle[] = [];
afterEach(async () => {
  for (const f of fakes.splice(0)) await f.close();
});

interface Stats {
  albums: Record<string, number>;
  downloads: Record<string, number>;
  workers: { name: string }[];
}

interface DownloadRow {
  site: string;
  siteTorrentId: number;
  state: string;
  worker: string | null;
  seedbox: string | null;
  infoHash: string | null;
  localPath: string | null;
}

test.skipIf(!HAVE_RTORRENT)(
  "a CSV in, two workers, a real rtorrent: the album is found, " +
    "its best torrent downloaded and reported complete with its path",
  async () => {
    using dir = tempDir("q-e2e");
    await using swarm = await startSwarm(dir, SWARM_ALBUM.file);
    const fake = startFakeGazelle({ rateLimit: { requests: 1000, windowMs: 1000 } });
    fakes.push(fake);
    addSwarmAlbum(fake, swarm);

    // the coordinator: a CSV imported with the binary, a token per worker, one read-only for the page
    const db = dir.join("queue.db");
    const csv = writeInventory(dir, [
      [SWARM_ALBUM.artist, SWARM_ALBUM.title],
      ["Nobody, The", "An Album No Site Has"],
    ]);
    const imported = queueCli(db, ["import", csv]);
    expect([imported.code, imported.stderr]).toEqual([0, expect.any(String)]);
    const [a, b, viewer] = [addToken(db, "box-a"), addToken(db, "box-b"), addToken(db, "dashboard", true)];
    await using coord = await startCoordinator(db, [], a);

    // two workers, each with the real rtorrent as its seedbox and its own index of its session
    const seedbox = (idx: string) => ({
      name: "box1",
      rtorrent: { scgi: `${swarm.leecher.home}/rpc.sock`, session: swarm.leecher.session, index_db: dir.join(idx) },
    });
    const configs = ["a", "b"].map(
      (n) => writeWorkerConfig(dir, coord.url, fake, { name: `worker-${n}`, seedbox: seedbox(`${n}.db`) }).config,
    );
    await using wa = startWorker(["--idle-max", "1s"], configs[0]!, a);
    await using wb = startWorker(["--idle-max", "1s"], configs[1]!, b);

    const downloads = (): DownloadRow[] => JSON.parse(queueCli(db, ["ls", "downloads", "--json"]).stdout);
    await waitFor(() => downloads()[0]?.state === "handed_off", "the chosen torrent handed off", 30_000);
    // the best of the three editions (24-bit FLAC), and only it, fetched from the site and handed off
    expect(downloads()).toEqual([
      expect.objectContaining({
        siteTorrentId: SWARM_ALBUM.best,
        seedbox: "box1",
        infoHash: swarm.torrent.hash,
        worker: expect.stringMatching(/^box-[ab]$/),
      }),
    ]);
    expect(fake.downloads.map((d) => d.id)).toEqual([SWARM_ALBUM.best]);

    // the seeder becomes the leecher's peer; rtorrent downloads; the index reports it
    await swarm.connect();
    await waitFor(() => downloads()[0]?.state === "complete", "the download reported complete", 60_000);
    expect(downloads()[0]!.localPath).toBe(swarm.leecherPath);
    expect(readFileSync(swarm.leecherPath).equals(Buffer.from(swarm.data))).toBe(true);

    // /stats over HTTP with a token (it may answer from a count a moment old: wait for the new one)
    const stats = async () =>
      (await (await fetch(`${coord.url}/stats`, { headers: { authorization: `Bearer ${viewer}` } })).json()) as Stats;
    const s = await waitFor(async () => {
      const now = await stats();
      return now.downloads.complete === 1 && now.albums.not_found === 1 ? now : undefined;
    }, "/stats counting the download complete");
    expect(s.albums).toMatchObject({ found: 1, not_found: 1, total: 2 });
    expect(s.downloads).toMatchObject({ complete: 1, handed_off: 0, queued: 0 });
    expect(s.workers.map((w) => w.name).sort()).toEqual(["box-a", "box-b"]);

    if (NO_CHROMIUM) console.warn(`e2e: the web page is not checked: ${NO_CHROMIUM}`);
    else await pageSaysSo(coord.url, viewer, new URL(fake.url).host);

    expect(await wa.stop("SIGTERM")).toBe(0);
    expect(await wb.stop("SIGTERM")).toBe(0);
  },
  120_000,
);

/** The page, as a person with the read-only token sees it: the album found, the download complete. */
async function pageSaysSo(url: string, viewer: string, site: string): Promise<void> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.authenticate({ username: "dashboard", password: viewer });
    expect((await page.goto(url, { waitUntil: "domcontentloaded" }))?.status()).toBe(200);
    const text = (sel: string) => page.$eval(sel, (e) => e.textContent ?? "");
    await page.waitForSelector(`tr[data-site="${site}"]`);
    expect(await text('[data-album-state="found"]')).toBe("1");
    expect(await text('[data-album-state="not_found"]')).toBe("1");
    expect(await text(`tr[data-site="${site}"] [data-download-state="complete"]`)).toBe("1");
    expect(await text(`tr[data-site="${site}"] [data-download-state="handed_off"]`)).toBe("0");
    expect(await text("#activity")).toMatch(/box-[ab]: completed 1 download/);
    await page.waitForSelector('tr[data-worker="box-a"]');
    await page.waitForSelector('tr[data-worker="box-b"]');
  } finally {
    await browser.close();
  }
}
