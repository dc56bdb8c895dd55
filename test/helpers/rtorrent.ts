// Building torrents and session directories as rtorrent writes them, for tests and the
// benchmark: bencode (the design card's package) encodes; the info-hash is the SHA-1 of
// the encoded info dictionary, as in any client.

import bencode from "bencode";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface FileSpec {
  path: (string | Uint8Array)[];
  length: number;
  attr?: string;
}

export interface TorrentSpec {
  name: string | Uint8Array;
  /** Multi-file when given; single-file otherwise. */
  files?: FileSpec[];
  length?: number;
  announce?: string;
  pieceLength?: number;
}

export interface Built {
  bytes: Uint8Array;
  hash: string;
  info: Record<string, unknown>;
}

export function makeTorrent(spec: TorrentSpec): Built {
  const info: Record<string, unknown> = {
    name: spec.name,
    "piece length": spec.pieceLength ?? 16384,
    pieces: new Uint8Array(20),
  };
  if (spec.files) info.files = spec.files.map((f) => ({ length: f.length, path: f.path, ...(f.attr ? { attr: f.attr } : {}) }));
  else info.length = spec.length ?? 1;
  const meta: Record<string, unknown> = { info };
  if (spec.announce !== undefined) meta.announce = spec.announce;
  const hash = new Bun.CryptoHasher("sha1").update(bencode.encode(info)).digest("hex").toUpperCase();
  return { bytes: bencode.encode(meta), hash, info };
}

export interface StateSpec {
  directory: string;
  complete?: 0 | 1;
  custom1?: string;
}

/** Write a torrent's three session files with rtorrent's .new + rename pattern, .torrent last. */
export function writeSession(session: string, t: Built, state: StateSpec): void {
  mkdirSync(session, { recursive: true });
  const base = join(session, `${t.hash}.torrent`);
  const put = (path: string, bytes: Uint8Array) => {
    writeFileSync(`${path}.new`, bytes);
    renameSync(`${path}.new`, path);
  };
  put(`${base}.libtorrent_resume`, bencode.encode({ files: [], bitfield: 0 }));
  put(`${base}.rtorrent`, bencode.encode({ directory: state.directory, complete: state.complete ?? 0, custom1: state.custom1 ?? "", custom2: "", custom3: "", custom4: "", custom5: "", state: 1 }));
  put(base, t.bytes);
}
