// Two real rtorrents on loopback: a seeder that has a torrent's data and seeds it, and a
// leecher (the seedbox under test) that will download it once told where the seeder is.
// No tracker announces peers here: `connect()` hands the leecher the seeder's address
// (rtorrent's add_peer), as soon as the leecher has the torrent.

import { mkdirSync, writeFileSync } from "node:fs";
import type { FakeGazelle } from "../fakes/gazelle.ts";
import { makeRealTorrent } from "./rtorrent.ts";
import { type Rtorrentd, startRtorrent } from "./rtorrentd.ts";
import type { TempDir } from "./tmp.ts";
import { waitFor } from "./wait.ts";

export interface Swarm extends AsyncDisposable {
  seeder: Rtorrentd;
  leecher: Rtorrentd;
  /** The torrent's bytes and its info hash (upper-case), and its data. */
  torrent: { bytes: Uint8Array; hash: string };
  data: Uint8Array;
  /** Where the leecher puts the file. */
  leecherPath: string;
  /** Once the leecher has the torrent: give it the seeder as a peer. */
  connect(): Promise<void>;
}

/** A single-file torrent `name` of `size` bytes, seeded by one rtorrent; another ready to download it. */
export async function startSwarm(dir: TempDir, name = "song.flac", size = 300_000): Promise<Swarm> {
  const data = new Uint8Array(size).map((_, i) => (i * 7919) % 251);
  const torrent = makeRealTorrent(name, data);
  mkdirSync(dir.join("seeder/download"), { recursive: true });
  mkdirSync(dir.join("leecher"), { recursive: true });
  writeFileSync(dir.join(`seeder/download/${name}`), data);
  // Each listens on a free port of its own choosing: a fixed one is taken whenever another
  // run of the suite is on the machine, and then peers meet the wrong rtorrent.
  const listen = "network.port_open.set = yes\nnetwork.port_range.set = 49152-65000\nnetwork.port_random.set = yes\n";
  const seeder = await startRtorrent(dir.join("seeder"), listen);
  const leecher = await startRtorrent(dir.join("leecher"), listen);
  await seeder.rpc.call("load.raw_start", "", torrent.bytes);
  // load.raw_start returns before the download is registered: "Could not find info-hash" until then.
  await waitFor(
    async () => (await seeder.rpc.call("d.complete", torrent.hash).catch(() => 0)) === 1,
    "seeder hash-checked",
  );
  const port = (await seeder.rpc.call("network.listen.port")) as number;
  return {
    seeder,
    leecher,
    torrent,
    data,
    leecherPath: `${leecher.download}/${name}`,
    async connect() {
      await waitFor(
        async () => (await leecher.rpc.call("d.is_active", torrent.hash).catch(() => 0)) === 1,
        "the leecher has the torrent, started",
        30_000,
      );
      await leecher.rpc.call("add_peer", torrent.hash, `127.0.0.1:${port}`);
    },
    async [Symbol.asyncDispose]() {
      await leecher[Symbol.asyncDispose]();
      await seeder[Symbol.asyncDispose]();
    },
  };
}

/** The album a swarm's torrent belongs to, on the fake tracker. */
export const SWARM_ALBUM = { artist: "Drake, Nick", title: "Pink Moon", file: "Pink Moon.flac", best: 9002 } as const;

/**
 * Add Nick Drake's "Pink Moon" to the fake: three WEB editions, of which the 24-bit FLAC
 * (id 9002) is the one to choose, and the file the site serves for it is the swarm's
 * real torrent (start the swarm with SWARM_ALBUM.file as its name).
 */
export function addSwarmAlbum(fake: FakeGazelle, swarm: Swarm): void {
  const size = swarm.data.length;
  const web = { media: "WEB", filePath: "", files: [[SWARM_ALBUM.file, size]] as [string, number][] };
  fake.addArtist({ id: 900, name: "Nick Drake" });
  fake.addGroup({
    id: 9000,
    name: "Pink Moon",
    year: 1972,
    artistIds: [900],
    releaseType: 1,
    time: 1339117820,
    torrents: [
      { id: 9001, ...web, format: "FLAC", encoding: "Lossless", seeders: 20 },
      { id: 9002, ...web, format: "FLAC", encoding: "24bit Lossless", seeders: 3, makeFile: () => swarm.torrent.bytes },
      { id: 9003, ...web, format: "MP3", encoding: "320", seeders: 50 },
    ],
  });
}
