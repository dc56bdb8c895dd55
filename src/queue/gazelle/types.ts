// Plain data for what a Gazelle tracker knows: groups (releases), their torrents, an
// artist's discography, one torrent's metadata with its file list, a downloaded file.
// Every name here is already HTML-entity-decoded; values that sites send in several
// shapes (ids as strings, releaseType as an int or a name, groupTime as epoch seconds or
// a datetime) arrive here in one. Nothing in this file does I/O: it is what the worker,
// the cache and the coordinator pass around (and may store as JSON).

/** One torrent of a group, as browse, artist and torrentgroup all describe it. */
export interface Torrent {
  id: number;
  groupId: number;
  media: string;
  format: string;
  encoding: string;
  hasLog: boolean;
  logScore: number;
  hasCue: boolean;
  scene: boolean;
  /** The edition: remastered or the original release. */
  edition: Edition;
  fileCount: number;
  size: number;
  seeders: number;
  leechers: number;
  snatched: number;
  /** Upload time as the site sent it ("2012-04-14 15:57:00"). */
  time: string;
}

export interface Edition {
  remastered: boolean;
  year: number;
  title: string;
  recordLabel: string;
  catalogueNumber: string;
}

/** A torrent group: one release of one or more artists. */
export interface Group {
  id: number;
  name: string;
  year: number;
  /** Main artists' names (browse gives one display string; it is kept as one entry). */
  artists: string[];
  /** The release type's name ("Album", "EP", …, "Guest Appearance"). */
  releaseType: string;
  /** Epoch seconds when the site says when the group was last changed; undefined when it does not. */
  time: number | undefined;
  torrents: Torrent[];
}

/** `action=artist`: the artist and every group it appears on. */
export interface Artist {
  id: number;
  name: string;
  groups: Group[];
}

/** `action=browse`: one page of groups (non-music rows without a torrent list are left out). */
export interface BrowsePage {
  page: number;
  pages: number;
  groups: Group[];
}

export interface BrowseQuery {
  artistname?: string;
  groupname?: string;
  searchstr?: string;
  page?: number;
}

/** A file inside a torrent, from the `name{{{size}}}|||…` fileList. */
export interface TorrentFileEntry {
  name: string;
  size: number;
}

/** `action=torrent`: one torrent's full metadata, the record kept for identifying its data later. */
export interface TorrentDetail {
  group: Omit<Group, "torrents">;
  torrent: Torrent & {
    /** The top directory of a multi-file torrent; "" for a single-file torrent. */
    filePath: string;
    files: TorrentFileEntry[];
    /** Upper-case hex when the site shows it (OPS only to those who snatched or uploaded it). */
    infoHash: string | undefined;
    description: string;
  };
}

/** `action=index`: who we are on the site. */
export interface Account {
  id: number;
  username: string;
  authkey: string;
  passkey: string;
}

/** A downloaded .torrent, checked (content type, bencode, info hash). */
export interface TorrentFile {
  torrentId: number;
  bytes: Uint8Array;
  /** SHA-1 of the exact bytes of `info`, upper-case hex. */
  infoHash: string;
  name: string;
  /** `info.source`: the site's flag ("OPS", "RED"), when set. */
  source: string | undefined;
  announce: string | undefined;
  /** The file name from Content-Disposition, when sent. */
  filename: string | undefined;
}

/** Release type ids (What.CD `config.template`, plus the artist page's roles). */
export const RELEASE_TYPES: Readonly<Record<number, string>> = {
  1: "Album",
  3: "Soundtrack",
  5: "EP",
  6: "Anthology",
  7: "Compilation",
  9: "Single",
  11: "Live album",
  13: "Remix",
  14: "Bootleg",
  15: "Interview",
  16: "Mixtape",
  17: "Demo",
  18: "Concert Recording",
  19: "DJ Mix",
  21: "Unknown",
  1021: "Produced By",
  1022: "Composition",
  1023: "Remixed By",
  1024: "Guest Appearance",
};
