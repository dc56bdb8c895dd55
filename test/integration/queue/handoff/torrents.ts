// Torrents with real piece hashes and their data on disk, for the hand-off tests: a client
// that hash-checks finds the data complete without any peer.

import bencode from "bencode";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { TorrentFile } from "../../../../src/queue/handoff/types.ts";

export interface RealTorrent {
  name: string;
  files: { path: string; data: Uint8Array }[];
  bytes: Uint8Array;
  /** Lower-case hex, as TorrentFile.infoHash. */
  infoHash: string;
}

/** A multi-file torrent (a single-file one when `files` has one entry and `single`). */
export function realTorrent(name: string, files: Record<string, string>, single = false): RealTorrent {
  const list = Object.entries(files).map(([path, text]) => ({ path, data: new TextEncoder().encode(text) }));
  const all = Buffer.concat(list.map((f) => f.data));
  const pieceLength = 16384;
  const pieces = new Uint8Array(Math.max(1, Math.ceil(all.length / pieceLength)) * 20);
  for (let i = 0; i * pieceLength < all.length; i++)
    pieces.set(
      new Bun.CryptoHasher("sha1").update(all.subarray(i * pieceLength, (i + 1) * pieceLength)).digest(),
      i * 20,
    );
  const info: Record<string, unknown> = { name, "piece length": pieceLength, pieces };
  if (single) info.length = all.length;
  else info.files = list.map((f) => ({ length: f.data.length, path: f.path.split("/") }));
  const infoHash = new Bun.CryptoHasher("sha1").update(bencode.encode(info)).digest("hex");
  return { name, files: list, bytes: bencode.encode({ announce: "http://127.0.0.1:9/announce", info }), infoHash };
}

/** Write the torrent's data under `dir` as a client would lay it out. */
export function writeData(dir: string, t: RealTorrent, single = false): void {
  for (const f of t.files) {
    const path = single ? join(dir, t.name) : join(dir, t.name, f.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.data);
  }
}

export function torrentFile(t: RealTorrent, site = "OPS", id = 123): TorrentFile {
  return { bytes: t.bytes, infoHash: t.infoHash, site, siteTorrentId: id };
}
