// The seam between the worker (`seedwatch queue work torrent …`) and a seedbox: the worker
// hands a checked .torrent file over and later asks whether it finished. One
// implementation per kind of seedbox (rtorrent over SCGI, Transmission over its RPC, a
// watch directory); `openSeedbox` in ./index.ts picks it from the worker config.

/** A .torrent file the worker downloaded and checked (bencode, info hash). */
export interface TorrentFile {
  /** The file's bytes, exactly as downloaded. */
  bytes: Uint8Array;
  /** The info hash, 40 lowercase hex digits. */
  infoHash: string;
  /** Where it came from, for names and tags: the site and its torrent id. */
  site: string;
  siteTorrentId: number;
}

/** What a seedbox said when it took the torrent. */
export interface Accepted {
  /** The info hash the client reports for it (checked equal to the file's). */
  infoHash: string;
  /** Where the data will be, when the client says so up front (rtorrent, Transmission). */
  directory?: string;
}

/** Where a torrent stands in the seedbox, as far as it can tell. */
export type Progress =
  | { state: "unknown" } // the seedbox cannot say (a watch directory: use `queue identify`)
  | { state: "missing" } // the client does not have it (removed, or never loaded)
  | { state: "downloading"; done: number } // done: 0..1
  | { state: "complete"; path: string }; // path: the torrent's data (a file or its top directory)

/**
 * Why a seedbox refused: `retry` (client down, disk full, a timeout: the task goes back to
 * the queue with this reason and is tried again later) or `fail` (the client rejected
 * this torrent itself: the download fails with the reason).
 */
export class HandOffError extends Error {
  constructor(
    message: string,
    readonly disposition: "retry" | "fail",
  ) {
    super(message);
    this.name = "HandOffError";
  }
}

export interface Seedbox {
  readonly name: string;
  readonly kind: "rtorrent" | "transmission" | "watch";
  /** Hand the torrent over, started, into the configured directory. Throws HandOffError. */
  handOff(torrent: TorrentFile): Promise<Accepted>;
  /**
   * Ask where the torrent with this info hash stands.
   * Throws HandOffError (retry) when the client cannot be reached.
   */
  progress(infoHash: string): Promise<Progress>;
  /** Release connections; idempotent. */
  close(): Promise<void>;
}
