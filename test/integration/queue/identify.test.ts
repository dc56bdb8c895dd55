// seedwatch queue identify, the binary against a real coordinator: finished directories
// (one renamed, one whose name is not UTF-8, a single file) matched by their cached file
// lists, reported complete with their paths; what does not fit, or fits twice, is left
// alone with the reason; -n changes nothing; --config, --coordinator and --db all work.

import { expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { runBin } from "../../helpers/bin.ts";
import { queueCli, startCoordinator } from "../../helpers/queue.ts";
import { tempDir } from "../../helpers/tmp.ts";

const SITE = "ops.example";

/** The torrent pages the workers cached: Gazelle's own answer (entities and all) or their decoded form. */
const PAGES: Record<number, unknown> = {
  101: {
    status: "success",
    response: {
      group: { id: 1, name: "Fear Not" },
      torrent: {
        id: 101,
        filePath: "Logistics - Fear Not (2012) [FLAC]",
        fileList: "01 - Fear &amp; Not.flac{{{10}}}|||CD2/02 - Bang&#39;s.flac{{{20}}}",
      },
    },
  },
  102: { group: { id: 2 }, torrent: { id: 102, filePath: "Same Files A", files: [{ name: "a.flac", size: 30 }] } },
  103: { group: { id: 3 }, torrent: { id: 103, filePath: "Same Files B", files: [{ name: "a.flac", size: 30 }] } },
  104: { group: { id: 4 }, torrent: { id: 104, filePath: "Some Album", files: [{ name: "track.flac", size: 40 }] } },
  105: { group: { id: 5 }, torrent: { id: 105, filePath: "", files: [{ name: "single.flac", size: 50 }] } },
  // 106: handed off, but no page cached
};

function put(root: string, files: Record<string, number>): void {
  for (const [rel, size] of Object.entries(files)) {
    mkdirSync(dirname(`${root}/${rel}`), { recursive: true });
    writeFileSync(`${root}/${rel}`, new Uint8Array(size));
  }
}

test(
  "identify: matched, ambiguous, unmatched and unreadable paths; " + "-n, then for real, then again from --db",
  async () => {
    using dir = tempDir("q-identify");
    const db = dir.join("queue.db");
    writeFileSync(dir.join("inv.csv"), "Artist Name,Album Title\nLogistics,Fear Not\n");
    expect(queueCli(db, ["import", dir.join("inv.csv")]).code).toBe(0);
    await using c = await startCoordinator(db);
    const { leases } = await c.json<{ leases: { id: number; lease: string }[] }>("POST", "/api/v1/albums/lease", {
      n: 1,
    });
    await c.json("POST", "/api/v1/albums/submit", {
      results: [
        {
          id: leases[0]!.id,
          lease: leases[0]!.lease,
          sites: [{ site: `https://${SITE}/`, torrentIds: [101, 102, 103, 104, 105, 106] }],
        },
      ],
    });
    const dl = await c.json<{ leases: { id: number; lease: string }[] }>("POST", "/api/v1/downloads/lease", {
      site: SITE,
      n: 10,
    });
    expect(dl.leases).toHaveLength(6);
    await c.json("POST", "/api/v1/downloads/hand-off", {
      items: dl.leases.map((l) => ({ id: l.id, lease: l.lease, seedbox: "w" })),
    });
    for (const [id, page] of Object.entries(PAGES)) await c.json("PUT", `/api/v1/cache/torrent/${SITE}/${id}`, page);

    const done = dir.join("done");
    put(`${done}/Fear Not, renamed`, { "01 - Fear & Not.flac": 10, "CD2/02 - Bang's.flac": 20 });
    put(`${done}/Same Files B`, { "a.flac": 30 });
    put(`${done}/Same Files X`, { "a.flac": 30 });
    put(`${done}/Wrong`, { "01 - Fear & Not.flac": 11, "CD2/02 - Bang's.flac": 20 });
    put(done, { "single.flac": 50 });
    const latin1 = Buffer.concat([Buffer.from(`${done}/`), Buffer.from([0xff]), Buffer.from(" album")]);
    mkdirSync(latin1);
    writeFileSync(Buffer.concat([latin1, Buffer.from("/track.flac")]), new Uint8Array(40));

    // The shell expands the glob, so the name that is not UTF-8 reaches seedwatch as bytes.
    const identify = (args: string[], env: Record<string, string> = {}) =>
      runBin(args, { prefix: ["sh", "-c", 'exec "$@" "$D"/* "$D/gone"', "sh"], env: { D: done, ...env } });
    writeFileSync(
      dir.join("worker.ts"),
      `export default {
      coordinator: { url: ${JSON.stringify(c.url)}, token: { env: "QUEUE_TOKEN" } },
      sites: [{ name: "OPS", url: "https://${SITE}", api_key: "k" }],
      seedboxes: [{ name: "w", watch_dir: ${JSON.stringify(done)} }],
    };\n`,
    );
    const dry = identify(["queue", "identify", "-n", "--config", dir.join("worker.ts")], { QUEUE_TOKEN: c.token });
    expect(dry.code).toBe(13);
    const lines = dry.stdout.trim().split("\n").sort();
    expect(lines).toEqual(
      [
        `would report ${done}/Fear Not, renamed: ${SITE} torrent 101`,
        `would report ${done}/Same Files B: ${SITE} torrent 103`,
        `ambiguous    ${done}/Same Files X: ${SITE} torrent 102, ${SITE} torrent 103 all have exactly these files`,
        `unmatched    ${done}/Wrong: nearest is ${SITE} torrent 101: ` +
          `"01 - Fear & Not.flac" has 11 bytes, the torrent says 10`,
        `would report ${done}/single.flac: ${SITE} torrent 105`,
        `would report ${done}/\\xff album: ${SITE} torrent 104`,
        `unreadable   ${done}/gone: stat "${done}/gone": no such file or directory (ENOENT)`,
      ].sort(),
    );
    expect(dry.stderr).toContain(
      "would report 4 of 7 path(s) complete (5 torrent(s) checked; 1 handed-off download(s)",
    );
    const states = async () =>
      (
        await c.json<{ items: { siteTorrentId: number; state: string; localPath: string | null }[] }>(
          "GET",
          "/api/v1/downloads",
        )
      ).items;
    expect((await states()).every((d) => d.state === "handed_off")).toBe(true);

    const real = identify(["queue", "identify", "--coordinator", c.url], { SEEDWATCH_TOKEN: c.token });
    expect(real.code).toBe(13);
    expect(real.stdout).toContain(`complete     ${done}/Fear Not, renamed: ${SITE} torrent 101, reported\n`);
    const after = await states();
    expect(after.filter((d) => d.state === "complete").map((d) => [d.siteTorrentId, d.localPath])).toEqual([
      [101, `${done}/Fear Not, renamed`],
      [103, `${done}/Same Files B`],
      [104, expect.stringMatching(/ album$/)],
      [105, `${done}/single.flac`],
    ]);

    await c.run.stop("SIGTERM");
    const again = runBin(["queue", "identify", "--db", db, `${done}/Fear Not, renamed`]);
    expect(again.stdout).toBe(`complete     ${done}/Fear Not, renamed: ${SITE} torrent 101, already recorded\n`);
    expect(again.code).toBe(0);
    const json = runBin(["queue", "identify", "--db", db, "--json", "-n", `${done}/single.flac`]);
    expect(JSON.parse(json.stdout)).toMatchObject({ result: "matched", site: SITE, siteTorrentId: 105, extras: 0 });
  },
);

test("identify: which queue is meant must be clear, and a refused token says so", async () => {
  using dir = tempDir("q-identify-args");
  const both = runBin(["queue", "identify", "--coordinator", "http://127.0.0.1:1", "--db", "x", dir.path]);
  expect(both.code).toBe(2);
  expect(both.stderr).toContain("--coordinator and --db both name the queue");
  const noToken = runBin(["queue", "identify", "--coordinator", "http://127.0.0.1:1", dir.path], {
    env: { SEEDWATCH_TOKEN: "" },
  });
  expect(noToken.code).toBe(2);
  expect(noToken.stderr).toContain("--coordinator needs a token");
  const db = dir.join("queue.db");
  writeFileSync(dir.join("inv.csv"), "Artist Name,Album Title\nA,B\n");
  queueCli(db, ["import", dir.join("inv.csv")]);
  await using c = await startCoordinator(db);
  const refused = runBin(["queue", "identify", "--coordinator", c.url, "--token", "nope", dir.path]);
  expect(refused.code).toBe(10);
  expect(refused.stderr).toContain("401");
  const down = runBin(["queue", "identify", "--coordinator", "http://127.0.0.1:9", "--token", "t", dir.path]);
  expect(down.code).toBe(10);
  expect(down.stderr).toContain("cannot reach the coordinator at http://127.0.0.1:9");
});
