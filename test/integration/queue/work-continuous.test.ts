// The continuous worker (`seedwatch queue work --config worker.ts`) and what several
// workers on one queue must keep: a worker SIGKILLed mid-lease loses nothing (the lease
// comes back after it runs out), SIGTERM finishes or gives back what it holds and exits
// 0, two workers at once never search one album twice, and the shared cache makes an
// artist looked up by one worker a hit for the other.

import { afterEach, expect, test } from "bun:test";
import { type FakeGazelle, type FakeGroup, startFakeGazelle } from "../../fakes/gazelle.ts";
import { addToken, queueCli, startCoordinator } from "../../helpers/queue.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { waitFor } from "../../helpers/wait.ts";
import { runWorker, startWorker, writeInventory, writeWorkerConfig } from "../../helpers/worker.ts";

const fakes: FakeGazelle[] = [];
afterEach(async () => {
  for (const f of fakes.splice(0)) await f.close();
});

function fakeTracker(): FakeGazelle {
  const f = startFakeGazelle({ rateLimit: { requests: 1000, windowMs: 1000 } });
  fakes.push(f);
  return f;
}

interface AlbumRow {
  id: number;
  title: string;
  state: string;
  attempts: number;
  error: string | null;
  worker: string | null;
}

function albums(db: string): AlbumRow[] {
  const r = queueCli(db, ["ls", "albums", "--json"]);
  if (r.code !== 0) throw new Error(`queue ls failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}
const settled = (db: string) => albums(db).every((a) => a.state === "found" || a.state === "not_found");
const actions = (f: FakeGazelle, action: string) => f.requests.filter((r) => r.action === action);

test(
  "a worker SIGKILLed mid-lease loses nothing: " + "the lease runs out and another worker finishes the album",
  async () => {
    using dir = tempDir("q-work-kill");
    const db = dir.join("queue.db");
    const fake = fakeTracker();
    fake.fail(1, "hang"); // the first worker's first request never gets an answer
    writeInventory(dir, [["Cockburn, Bruce", "You've Never Seen Everything"]]);
    queueCli(db, ["import", dir.join("inventory.csv")]);
    const [a, b] = [addToken(db, "box-a"), addToken(db, "box-b")];
    await using coord = await startCoordinator(db, ["--lease", "1s"], a);
    const { config } = writeWorkerConfig(dir, coord.url, fake);

    await using first = startWorker(["metadata", "1"], config, a);
    await waitFor(
      () => fake.requests.length > 0 && albums(db)[0]!.state === "leased",
      "the album leased, its search under way",
    );
    first.proc.kill("SIGKILL");
    await first.stop();

    await using second = startWorker(["--idle-max", "200ms"], config, b);
    await waitFor(() => settled(db), "the album found by the second worker");
    expect(await second.stop("SIGTERM")).toBe(0);
    const [album] = albums(db);
    expect(album).toMatchObject({ state: "found", worker: "box-b", attempts: 2 });
  },
);

test("SIGTERM: the albums not settled go back unharmed (no error, no attempt spent), exit 0", async () => {
  using dir = tempDir("q-work-term");
  const db = dir.join("queue.db");
  const fake = fakeTracker();
  const rows: [string, string][] = Array.from({ length: 6 }, (_, i) => [`Nobody, Number ${i}`, `Album ${i}`]);
  writeInventory(dir, rows);
  queueCli(db, ["import", dir.join("inventory.csv")]);
  const token = addToken(db, "box-a");
  await using coord = await startCoordinator(db, [], token);
  // two requests a second: the batch of 6 takes long enough to be stopped in the middle
  const { config } = writeWorkerConfig(dir, coord.url, fake, { rate: { requests: 1, seconds: 0.5 } });
  await using worker = startWorker(["--batch", "6"], config, token);
  await waitFor(() => albums(db).some((x) => x.state === "not_found"), "a first album settled");
  expect(await worker.stop("SIGTERM")).toBe(0);
  const after = albums(db);
  expect(after.some((x) => x.state === "pending")).toBe(true);
  for (const x of after) {
    expect(["not_found", "pending"]).toContain(x.state);
    expect(x.error).toBeNull(); // released, not failed
    if (x.state === "pending") expect(x.attempts).toBe(0);
  }
  expect(worker.stderr).toContain("stopping: giving back the albums not settled");
});

test(
  "two workers at once: no album searched twice; " +
    "the shared cache turns one worker's artist lookup into the other's hit",
  async () => {
    using dir = tempDir("q-work-two");
    const db = dir.join("queue.db");
    const fake = fakeTracker();
    // Sigur Rós albums whose accented titles browse cannot match: each needs the artist page
    const extra: [number, string, string][] = [
      [90001, "Valtar&iacute;", "Valtari"],
      [90002, "Inn&iacute;", "Inni"],
    ];
    for (const [id, name] of extra) fake.addGroup(sigurRos(id, name));
    const many: [string, string][] = Array.from({ length: 10 }, (_, i) => [`Nobody, Number ${i}`, `Album ${i}`]);
    writeInventory(dir, many, "many.csv");
    writeInventory(dir, [["Sigur Rós", "Agaetis Byrjun"]], "first.csv");
    writeInventory(
      dir,
      extra.map(([, , typed]) => ["Sigur Rós", typed]),
      "later.csv",
    );
    queueCli(db, ["import", dir.join("first.csv")]);
    const [a, b] = [addToken(db, "box-a"), addToken(db, "box-b")];
    await using coord = await startCoordinator(db, [], a);
    const { config } = writeWorkerConfig(dir, coord.url, fake);

    // worker A looks the artist up; then B, on other albums of that artist, finds it in the cache
    const first = await runWorker(["metadata", "5"], config, a);
    expect(first.stdout).toContain("1 found");
    expect(actions(fake, "artist").length).toBe(1);
    queueCli(db, ["import", dir.join("later.csv")]);
    const second = await runWorker(["metadata", "5"], config, b);
    expect(second.stdout).toContain("2 found");
    expect(second.stdout).toMatch(/shared cache [1-9]\d* hits/);
    expect(actions(fake, "artist").length).toBe(1);

    // then both at once on ten more
    queueCli(db, ["import", dir.join("many.csv")]);
    const browsesBefore = actions(fake, "browse").length;
    await using wa = startWorker(["--batch", "2", "--idle-max", "200ms"], config, a);
    await using wb = startWorker(["--batch", "2", "--idle-max", "200ms"], config, b);
    await waitFor(() => settled(db), "every album settled", 60_000);
    expect([await wa.stop("SIGTERM"), await wb.stop("SIGTERM")]).toEqual([0, 0]);
    // every album searched exactly once: one browse each (all ten are missing from the site)
    expect(actions(fake, "browse").length - browsesBefore).toBe(10);
    expect(albums(db).every((x) => x.attempts === 1)).toBe(true);
  },
);

// --- internal ---

function sigurRos(id: number, name: string): FakeGroup {
  return {
    id,
    name,
    year: 2008,
    artistIds: [105],
    releaseType: 1,
    time: 1_339_117_820,
    torrents: [
      {
        id: id + 1000,
        media: "WEB",
        format: "FLAC",
        encoding: "Lossless",
        files: [["01 - Track 1.flac", 30_000_000]],
        filePath: `Sigur Ros - ${id}`,
        seeders: 3,
      },
    ],
  };
}
