// Completion through seedwatch's own rtorrent index: a worker whose rtorrent seedbox names
// its session runs the index in the same process, and the index's complete event reports
// the download, with its path, to the coordinator. A real rtorrent downloads the torrent
// from a second one over loopback; the worker is the compiled binary.

import { afterEach, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { queueTagOf } from "../../../src/queue/worker/index-completions.ts";
import { type FakeGazelle, startFakeGazelle } from "../../fakes/gazelle.ts";
import { queryIndex } from "../../helpers/index-db.ts";
import { addToken, queueCli, startCoordinator } from "../../helpers/queue.ts";
import { HAVE_RTORRENT } from "../../helpers/rtorrentd.ts";
import { addSwarmAlbum, startSwarm, SWARM_ALBUM, type Swarm } from "../../helpers/swarm.ts";
import { type TempDir, tempDir } from "../../helpers/tmp.ts";
import { waitFor } from "../../helpers/wait.ts";
import { startWorker, writeInventory, writeWorkerConfig } from "../../helpers/worker.ts";

const fakes: FakeGazelle[] = [];
afterEach(async () => {
  for (const f of fakes.splice(0)) await f.close();
});

interface DownloadRow {
  siteTorrentId: number;
  state: string;
  localPath: string | null;
}

/** A coordinator with Pink Moon to find, the fake serving the swarm's torrent, and worker.ts for the leecher. */
async function rig(dir: TempDir, swarm: Swarm) {
  const fake = startFakeGazelle({ rateLimit: { requests: 1000, windowMs: 1000 } });
  fakes.push(fake);
  addSwarmAlbum(fake, swarm);
  const db = dir.join("queue.db");
  writeInventory(dir, [[SWARM_ALBUM.artist, SWARM_ALBUM.title]]);
  queueCli(db, ["import", dir.join("inventory.csv")]);
  const token = addToken(db, "box-a");
  const coord = await startCoordinator(db, [], token);
  const seedbox = {
    name: "box1",
    rtorrent: { scgi: `${swarm.leecher.home}/rpc.sock`, session: swarm.leecher.session, index_db: dir.join("idx.db") },
  };
  const { config } = writeWorkerConfig(dir, coord.url, fake, { seedbox });
  const downloads = (): DownloadRow[] => JSON.parse(queueCli(db, ["ls", "downloads", "--json"]).stdout);
  // the seedbox is asked once, at start; after that only the index reports completions
  const work = () => startWorker(["--poll", "1h", "--idle-max", "1s", "-v"], config, token);
  return { coord, downloads, work };
}

const leecherHas = async (s: Swarm) => (await s.leecher.rpc.call("d.complete", s.torrent.hash).catch(() => 0)) === 1;

test.skipIf(!HAVE_RTORRENT)(
  "a download handed off to rtorrent is reported complete, with its path, by the index's complete event",
  async () => {
    using dir = tempDir("q-index-done");
    await using swarm = await startSwarm(dir, SWARM_ALBUM.file);
    const r = await rig(dir, swarm);
    await using _ = r.coord;
    await using worker = r.work();
    await worker.waitStderr(/watching \S*session/, "the worker's index watching the session", 20_000);
    await waitFor(() => r.downloads()[0]?.state === "handed_off", "the best torrent handed off", 30_000);
    expect(r.downloads().map((d) => d.siteTorrentId)).toEqual([SWARM_ALBUM.best]);
    // the seedbox is asked once, in the first round (no peer yet: not complete); never again with --poll 1h
    await worker.waitStderr(/asked the seedboxes about \d+ download\(s\) handed off: 0 complete/, "the first poll");
    await swarm.connect();
    await waitFor(() => r.downloads()[0]?.state === "complete", "the download reported complete", 60_000);
    expect(r.downloads()[0]!.localPath).toBe(swarm.leecherPath);
    expect(readFileSync(swarm.leecherPath).equals(Buffer.from(swarm.data))).toBe(true);
    // the tag the hand-off set, as rtorrent saved it in its session (what the index matches first)
    const state = readFileSync(`${swarm.leecher.session}/${swarm.torrent.hash}.torrent.rtorrent`);
    expect(queueTagOf(new Uint8Array(state))).toBe(`fake:${SWARM_ALBUM.best}`);
    // reported by the index (no poll since the first): it says so once the coordinator has answered
    const said = `fake torrent ${SWARM_ALBUM.best} is complete in box1: ${swarm.leecherPath}`;
    await worker.waitStderr(new RegExp(said.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")), "the index's report");
    expect(worker.stderr).not.toMatch(/download \d+ \(fake torrent \d+\) is complete/); // the poll's line
    expect(await worker.stop("SIGTERM")).toBe(0);
  },
  120_000,
);

test.skipIf(!HAVE_RTORRENT)(
  "a torrent that completed while the worker was down is reported when it starts again",
  async () => {
    using dir = tempDir("q-index-restart");
    await using swarm = await startSwarm(dir, SWARM_ALBUM.file);
    const r = await rig(dir, swarm);
    await using _ = r.coord;
    await using first = r.work();
    await waitFor(() => r.downloads()[0]?.state === "handed_off", "the best torrent handed off", 30_000);
    // the index has seen it (the hand-off saved the session): its completion is due later
    await waitFor(
      () =>
        existsSync(dir.join("idx.db")) && queryIndex(dir.join("idx.db"), "SELECT hash FROM torrent_data").length > 0,
      "the torrent in the worker's index",
      20_000,
    );
    expect(await first.stop("SIGTERM")).toBe(0);
    await swarm.connect();
    await waitFor(() => leecherHas(swarm), "rtorrent finished the download", 60_000);
    await waitFor(() => existsSync(`${swarm.leecher.session}/${swarm.torrent.hash}.complete`), "the .complete marker");
    expect(r.downloads()[0]!.state).toBe("handed_off"); // nobody has said so yet
    await using second = r.work();
    await waitFor(() => r.downloads()[0]?.state === "complete", "the download reported complete", 60_000);
    expect(r.downloads()[0]!.localPath).toBe(swarm.leecherPath);
    // the index's own report of it (a first poll at start may have reported it too)
    await second.waitStderr(/is complete in box1: /, "the index's report", 20_000);
    expect(await second.stop("SIGTERM")).toBe(0);
  },
  120_000,
);
