// Handing a checked .torrent to a seedbox (rtorrent, Transmission, a watch directory) and
// asking whether it finished.
export { checkMetainfo, type Metainfo, QUEUE_TAG_KEY, queueTag, torrentFileName } from "./metainfo.ts";
export { openSeedbox } from "./open.ts";
export { RtorrentSeedbox } from "./rtorrent.ts";
export { TransmissionSeedbox } from "./transmission.ts";
export { type Accepted, HandOffError, type Progress, type Seedbox, type TorrentFile } from "./types.ts";
export { WatchDirSeedbox } from "./watch-dir.ts";
