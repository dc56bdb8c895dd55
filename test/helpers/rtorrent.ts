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
  const pieceLength = spec.pieceLength ?? 16384;
  const total = spec.files ? spec.files.reduce((n, f) => n + f.length, 0) : (spec.length ?? 1);
  const info: Record<string, unknown> = {
    name: spec.name,
    "piece length": pieceLength,
    pieces: new Uint8Array(Math.max(1, Math.ceil(total / pieceLength)) * 20), // zeros: valid shape, never checks out
  };
  if (spec.files)
    info.files = spec.files.map((f) => ({ length: f.length, path: f.path, ...(f.attr ? { attr: f.attr } : {}) }));
  else info.length = spec.length ?? 1;
  const meta: Record<string, unknown> = { info };
  if (spec.announce !== undefined) meta.announce = spec.announce;
  const hash = new Bun.CryptoHasher("sha1").update(bencode.encode(info)).digest("hex").toUpperCase();
  return { bytes: bencode.encode(meta), hash, info };
}

/** A single-file torrent of `data` with real piece hashes, so one client can seed it to another. */
export function makeRealTorrent(name: string, data: Uint8Array, announce = "http://127.0.0.1:9/announce"): Built {
  const pieceLength = 16384;
  const pieces = new Uint8Array(Math.ceil(data.length / pieceLength) * 20);
  for (let i = 0; i * pieceLength < data.length; i++) {
    pieces.set(
      new Bun.CryptoHasher("sha1").update(data.subarray(i * pieceLength, (i + 1) * pieceLength)).digest(),
      i * 20,
    );
  }
  const info = { length: data.length, name, "piece length": pieceLength, pieces };
  const hash = new Bun.CryptoHasher("sha1").update(bencode.encode(info)).digest("hex").toUpperCase();
  return { bytes: bencode.encode({ announce, info }), hash, info };
}

export interface StateSpec {
  /** As rtorrent stores it: bytes, which need not be UTF-8. */
  directory: string | Uint8Array;
  complete?: 0 | 1;
  custom1?: string;
  /** rtorrent's `custom` dictionary (d.custom KEY), e.g. the queue's tag. */
  custom?: Record<string, string>;
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
  put(
    `${base}.rtorrent`,
    bencode.encode({
      directory: state.directory,
      complete: state.complete ?? 0,
      custom1: state.custom1 ?? "",
      custom2: "",
      custom3: "",
      custom4: "",
      custom5: "",
      ...(state.custom ? { custom: state.custom } : {}),
      state: 1,
    }),
  );
  put(base, t.bytes);
}
