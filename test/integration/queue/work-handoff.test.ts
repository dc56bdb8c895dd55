// The worker's side of the seedbox seam (src/queue/handoff/types.ts), with the seedbox
// injected: a refusal to retry gives the download back with the reason, a refusal for
// good fails it with the reason, a torrent the seedbox reports complete reaches the
// coordinator with its path, and the watch directory writes whole files or refuses.
// A real coordinator (the binary) and the fake tracker; the worker runs in this process.

import { afterEach, expect, test } from "bun:test";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { realClock } from "../../../src/clock.ts";
import { HandOffError, type Progress, type Seedbox, type TorrentFile } from "../../../src/queue/handoff/types.ts";
import { MemoryCache } from "../../../src/queue/gazelle/cache.ts";
import { CoordinatorClient } from "../../../src/queue/worker/coordinator.ts";
import { openSeedbox } from "../../../src/queue/handoff/index.ts";
import { pollCompletions } from "../../../src/queue/worker/progress.ts";
import { Seedboxes } from "../../../src/queue/worker/seedboxes.ts";
import { openSites, type Site } from "../../../src/queue/worker/sites.ts";
import { runTorrentBatch } from "../../../src/queue/worker/torrent.ts";
import { DEFAULT_PREFERENCES } from "../../../src/queue/gazelle/score.ts";
import { DEFAULT_USER, type FakeGazelle, startFakeGazelle } from "../../fakes/gazelle.ts";
import { addToken, queueCli, startCoordinator } from "../../helpers/queue.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { writeInventory } from "../../helpers/worker.ts";

const fakes: FakeGazelle[] = [];
afterEach(async () => {
  for (const f of fakes.splice(0)) await f.close();
});

/** A seedbox that answers as told: takes torrents (or refuses them), and says where each stands. */
class ScriptedSeedbox implements Seedbox {
  readonly kind = "rtorrent" as const;
  readonly taken: TorrentFile[] = [];
  refuse: HandOffError | undefined;
  state: Progress = { state: "downloading", done: 0.5 };

  constructor(readonly name: string) {}

  async handOff(t: TorrentFile) {
    if (this.refuse) throw this.refuse;
    this.taken.push(t);
    return { infoHash: t.infoHash };
  }

  async progress(): Promise<Progress> {
    return this.state;
  }

  async close() {}
}

interface DownloadRow {
  siteTorrentId: number;
  state: string;
  reason: string | null;
  localPath: string | null;
  attempts: number;
}

/** A coordinator with album "You've Never Seen Everything" found: downloads 3001 and 3003 queued. */
async function rig(dir: ReturnType<typeof tempDir>) {
  const db = dir.join("queue.db");
  const fake = startFakeGazelle({ rateLimit: { requests: 1000, windowMs: 1000 } });
  fakes.push(fake);
  writeInventory(dir, [["Cockburn, Bruce", "You've Never Seen Everything"]]);
  queueCli(db, ["import", dir.join("inventory.csv")]);
  const token = addToken(db, "box-a");
  const coord = await startCoordinator(db, [], token);
  const client = new CoordinatorClient(coord.url, token);
  const [site] = openSites(
    [{ name: "fake", url: fake.url, auth: { api_key: DEFAULT_USER.apiKey, style: "token" } }],
    new MemoryCache(),
    { ...DEFAULT_PREFERENCES },
  ) as [Site];
  const [lease] = await client.leaseAlbums(1);
  await client.submitAlbums([
    { id: lease!.id, lease: lease!.lease, sites: [{ site: site.host, torrentIds: [3001, 3003] }] },
  ]);
  const downloads = (): DownloadRow[] => JSON.parse(queueCli(db, ["ls", "downloads", "--json"]).stdout);
  return { coord, client, site, fake, downloads, deps: { coordinator: client, clock: realClock } };
}

test(
  "a seedbox that refuses for now: the download goes back queued with the reason; " +
    "for good: it fails with the reason",
  async () => {
    using dir = tempDir("q-handoff-refuse");
    const r = await rig(dir);
    await using _ = r.coord;
    const box = new ScriptedSeedbox("box1");
    box.refuse = new HandOffError("rtorrent at /run/rt.sock: connection refused", "retry");
    const t1 = await runTorrentBatch(r.deps, r.site, 1, box);
    expect(t1).toMatchObject({ leased: 1, handedOff: 0, retry: 1, failed: 0 });
    box.refuse = new HandOffError("rtorrent refused the torrent: bad piece length", "fail");
    const t2 = await runTorrentBatch(r.deps, r.site, 1, box);
    expect(t2).toMatchObject({ leased: 1, handedOff: 0, retry: 0, failed: 1 });
    expect(r.downloads().map((d) => [d.siteTorrentId, d.state, d.reason])).toEqual([
      [3001, "queued", "seedbox box1: rtorrent at /run/rt.sock: connection refused"],
      [3003, "failed", "seedbox box1: rtorrent refused the torrent: bad piece length"],
    ]);
  },
);

test("a torrent the seedbox reports complete reaches the coordinator with its path", async () => {
  using dir = tempDir("q-handoff-complete");
  const r = await rig(dir);
  await using _ = r.coord;
  const box = new ScriptedSeedbox("box1");
  const boxes = new Seedboxes(
    [{ name: "box1", kind: "rtorrent", scgi: "/run/rt.sock", directory: undefined }],
    () => box,
  );
  expect(await runTorrentBatch(r.deps, r.site, 5, boxes.get("box1"))).toMatchObject({ handedOff: 2 });
  expect(box.taken.map((t) => [t.siteTorrentId, t.infoHash])).toEqual(
    [3001, 3003].map((id) => [id, expect.stringMatching(/^[0-9a-f]{40}$/)]),
  );
  expect(await pollCompletions(r.client, "box-a", boxes)).toEqual({ checked: 2, completed: 0 });
  box.state = { state: "complete", path: "/srv/music/Bruce Cockburn - YNSE" };
  // another worker's name: not its downloads to report
  expect(await pollCompletions(r.client, "box-b", boxes)).toEqual({ checked: 0, completed: 0 });
  expect(await pollCompletions(r.client, "box-a", boxes)).toEqual({ checked: 2, completed: 2 });
  expect(r.downloads().map((d) => [d.state, d.localPath])).toEqual([
    ["complete", "/srv/music/Bruce Cockburn - YNSE"],
    ["complete", "/srv/music/Bruce Cockburn - YNSE"],
  ]);
});

test("a watch directory gets whole files; a missing one is a refusal for now", async () => {
  using dir = tempDir("q-handoff-watch");
  const r = await rig(dir);
  await using _ = r.coord;
  // through the factory the command uses, so this holds for whatever implements it
  const missing = openSeedbox({ name: "box1", kind: "watch", watch_dir: dir.join("no-such-dir") });
  expect(await runTorrentBatch(r.deps, r.site, 1, missing)).toMatchObject({ retry: 1 });
  expect(r.downloads()[0]!.reason).toContain("no-such-dir");
  mkdirSync(dir.join("watch"));
  const box = openSeedbox({ name: "box2", kind: "watch", watch_dir: dir.join("watch") });
  expect(await runTorrentBatch(r.deps, r.site, 5, box)).toMatchObject({ handedOff: 1 });
  const files = readdirSync(dir.join("watch"));
  expect(files.length).toBe(1);
  const bytes = new Uint8Array(readFileSync(dir.join("watch", files[0]!)));
  expect(Buffer.from(bytes).equals(Buffer.from(r.fake.torrentFile(3003).bytes))).toBe(true);
});
