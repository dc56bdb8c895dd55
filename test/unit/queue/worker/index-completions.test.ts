// The rtorrent index's complete listener of the queue worker, on session directories
// written as rtorrent writes them and a coordinator client that records what it is told:
// the tag names the download, else the info hash among this worker's hand-offs; the path
// is the file or the multi-file torrent's directory; what is not the queue's is left
// alone; a coordinator out of reach puts the completion back to be tried again.

import { expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import type { Download } from "../../../../src/queue/model.ts";
import type { CoordinatorClient } from "../../../../src/queue/worker/coordinator.ts";
import { indexSetup } from "../../../../src/queue/worker/index-completions.ts";
import type { Site } from "../../../../src/queue/worker/sites.ts";
import { makeTorrent, writeSession } from "../../../helpers/rtorrent.ts";
import { tempDir } from "../../../helpers/tmp.ts";

type Completion = { site: string; siteTorrentId: number; localPath: string };

/** A coordinator that knows `handedOff` and records completions (or fails every call). */
function coordinator(handedOff: Partial<Download>[], down = false) {
  const completed: Completion[] = [];
  const fail = () => Promise.reject(new Error("coordinator at http://127.0.0.1:9: connection refused"));
  const client = {
    whoami: async () => ({ name: "box-a", readOnly: false }),
    listDownloads: async () => (down ? fail() : { items: handedOff as Download[], next: undefined }),
    complete: async (items: Completion[]) => {
      if (down) return fail();
      completed.push(...items);
      return items.map(() => "ok");
    },
  };
  return { client: client as unknown as CoordinatorClient, completed };
}

const sites = [{ name: "OPS", host: "orpheus.network" }] as Site[];

function rig(handedOff: Partial<Download>[] = [], down = false) {
  const dir = tempDir("idx-listener");
  const session = dir.join("session");
  mkdirSync(session);
  const c = coordinator(handedOff, down);
  const setup = indexSetup(
    { name: "box1", kind: "rtorrent", scgi: "/x.sock", directory: undefined, index: { session, db: dir.join("i.db") } },
    { coordinator: c.client, sites },
  );
  const queues: Record<string, string[]> = { complete: [] };
  const complete = (hash: string) =>
    setup.listeners!.complete!(...([null, `${setup.session}/${hash}.torrent`, {}, queues] as never[]));
  return { dir, session, ...c, queues, complete };
}

test("the tag names the download; a single file's path is the file, a multi-file one's its directory", async () => {
  const r = rig();
  using _ = r.dir;
  const one = makeTorrent({ name: "song.flac", length: 5 });
  const many = makeTorrent({ name: "Album", files: [{ path: ["01.flac"], length: 3 }] });
  writeSession(r.session, one, { directory: "/srv/dl", complete: 1, custom: { seedwatch_queue: "OPS:7" } });
  writeSession(r.session, many, { directory: "/srv/dl/Album", complete: 1, custom: { seedwatch_queue: "OPS:8" } });
  await r.complete(one.hash);
  await r.complete(many.hash);
  expect(r.completed).toEqual([
    { site: "orpheus.network", siteTorrentId: 7, localPath: "/srv/dl/song.flac" },
    { site: "orpheus.network", siteTorrentId: 8, localPath: "/srv/dl/Album" },
  ]);
});

test("without a tag: by info hash, among this worker's hand-offs to this seedbox only", async () => {
  const t = makeTorrent({ name: "a.flac", length: 5 });
  const other = makeTorrent({ name: "b.flac", length: 5 });
  const r = rig([
    { site: "orpheus.network", siteTorrentId: 9, infoHash: t.hash.toLowerCase(), worker: "box-a", seedbox: "box1" },
    { site: "orpheus.network", siteTorrentId: 10, infoHash: other.hash, worker: "box-b", seedbox: "box1" },
  ]);
  using _ = r.dir;
  writeSession(r.session, t, { directory: "/srv/dl", complete: 1 });
  writeSession(r.session, other, { directory: "/srv/dl", complete: 1 });
  await r.complete(t.hash);
  await r.complete(other.hash); // another worker's: not this one's to say
  expect(r.completed).toEqual([{ site: "orpheus.network", siteTorrentId: 9, localPath: "/srv/dl/a.flac" }]);
  expect(r.queues.complete).toEqual([]);
});

test("the coordinator out of reach: the completion goes back on the queue, to be tried again", async () => {
  const r = rig([], true);
  using _ = r.dir;
  const t = makeTorrent({ name: "a.flac", length: 5 });
  writeSession(r.session, t, { directory: "/srv/dl", complete: 1, custom: { seedwatch_queue: "OPS:7" } });
  await r.complete(t.hash);
  expect(r.queues.complete).toEqual([`${r.session}/${t.hash}.torrent`]);
  await r.complete(t.hash); // once on the queue, not twice
  expect(r.queues.complete!.length).toBe(1);
});
