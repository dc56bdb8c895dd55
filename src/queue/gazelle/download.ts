// Checking a downloaded .torrent before anything hands it to a seedbox: it must be
// valid bencode with an `info` dictionary, and the SHA-1 of the exact bytes of `info`
// (not of a re-encoding) is its info hash, compared with the one the site's metadata
// gave when it gave one. distleech only looked at the content type (§1.6).

import { BencodeError, bdecode, isDict, str } from "../../rtorrent/bdecode.ts";
import { infoHash as sha1Hex } from "../../rtorrent/session.ts";
import { GazelleError } from "./errors.ts";
import type { TorrentFile } from "./types.ts";

/** Check `bytes` (already known to be served as application/x-bittorrent) and describe them. */
export function checkTorrentFile(
  site: string,
  torrentId: number,
  bytes: Uint8Array,
  headers: Headers,
  expectHash?: string,
): TorrentFile {
  const bad = (why: string, cause?: unknown) =>
    new GazelleError(site, "torrent-file", `torrent ${torrentId}: ${why}`, 200, cause);
  let decoded: ReturnType<typeof bdecode>;
  try {
    decoded = bdecode(bytes);
  } catch (err) {
    if (err instanceof BencodeError) throw bad(`not a valid .torrent (bencode: ${err.message})`, err);
    throw err;
  }
  const meta = decoded.value;
  if (!isDict(meta) || !decoded.info || !isDict(meta.info)) throw bad("not a .torrent: no info dictionary");
  const infoHash = sha1Hex(bytes.subarray(decoded.info[0], decoded.info[1]));
  if (expectHash !== undefined && expectHash.toUpperCase() !== infoHash)
    throw bad(`info hash is ${infoHash}, the site's metadata says ${expectHash.toUpperCase()}`);
  const name = str(meta.info.name);
  if (!name) throw bad("info has no name");
  return {
    torrentId,
    bytes,
    infoHash,
    name,
    source: str(meta.info.source),
    announce: str(meta.announce),
    filename: attachmentName(headers.get("content-disposition")),
  };
}

// --- internal ---

function attachmentName(header: string | null): string | undefined {
  if (!header) return undefined;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1]!.trim());
    } catch {
      // fall through to the plain form
    }
  }
  const plain = /filename="((?:[^"\\]|\\.)*)"|filename=([^;]+)/i.exec(header);
  return plain ? (plain[1] ?? plain[2]!.trim()).replace(/\\(.)/g, "$1") : undefined;
}
