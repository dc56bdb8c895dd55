// What every hand-off checks before a client sees the file: the bytes are a .torrent whose
// info hash is the one the worker announced. A file that is not is this torrent's own
// fault (HandOffError "fail"), so no client is asked to make sense of it. Also the names
// a seedbox uses for the queue's torrents: its tag and a safe file name.

import { BencodeError, bdecode, isDict, str } from "../../rtorrent/bdecode.ts";
import { HandOffError, type TorrentFile } from "./types.ts";

/** The custom key (rtorrent `d.custom`) that marks a download as the queue's; its value is SITE:ID. */
export const QUEUE_TAG_KEY = "seedwatch_queue";

export interface Metainfo {
  /** 40 upper-case hex digits. */
  infoHash: string;
  name: string;
  multiFile: boolean;
}

/** Decode and check `t.bytes`; throws HandOffError("fail") when they are not this torrent. */
export function checkMetainfo(t: TorrentFile): Metainfo {
  const bad = (why: string) => new HandOffError(`${label(t)}: ${why}`, "fail");
  let decoded: ReturnType<typeof bdecode>;
  try {
    decoded = bdecode(t.bytes);
  } catch (err) {
    if (err instanceof BencodeError) throw bad(`not a valid .torrent (bencode: ${err.message})`);
    throw err;
  }
  const meta = decoded.value;
  if (!isDict(meta) || !decoded.info || !isDict(meta.info)) throw bad("not a .torrent: no info dictionary");
  const infoHash = new Bun.CryptoHasher("sha1")
    .update(t.bytes.subarray(decoded.info[0], decoded.info[1]))
    .digest("hex")
    .toUpperCase();
  if (infoHash !== t.infoHash.toUpperCase())
    throw bad(`its info hash is ${infoHash}, the worker expected ${t.infoHash.toUpperCase()}`);
  const name = str(meta.info.name);
  if (!name) throw bad("info has no name");
  return { infoHash, name, multiFile: Array.isArray(meta.info.files) };
}

/** The tag's value: "SITE:ID". */
export function queueTag(t: TorrentFile): string {
  return `${t.site}:${t.siteTorrentId}`;
}

/** "OPS torrent 123" for messages. */
export function label(t: TorrentFile): string {
  return `${t.site} torrent ${t.siteTorrentId}`;
}

/** `<site>-<id>-<infohash8>.torrent`, with nothing from the tracker that could name a path. */
export function torrentFileName(t: TorrentFile): string {
  const site =
    t.site
      .replace(/[^A-Za-z0-9._-]+|\.{2,}/g, "_")
      .replace(/_+/g, "_")
      .replace(/^[._-]+|[._-]+$/g, "") || "site";
  const id = Number.isSafeInteger(t.siteTorrentId) ? String(t.siteTorrentId) : "0";
  return `${site.slice(0, 64)}-${id}-${t.infoHash.slice(0, 8).toLowerCase()}.torrent`;
}
