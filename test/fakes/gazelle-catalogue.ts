// The fake Gazelle's data, as code: artists, groups and torrents stored the way Gazelle
// stores them (names HTML-escaped: "&amp;", "&#39;", "Bj&ouml;rk"), with editions,
// single- and multi-file torrents, logs and cues. Tests add their own with
// `fake.addArtist` / `fake.addGroup`; ids below 100000 are this catalogue's.

export interface FakeArtist {
  id: number;
  /** As stored: HTML-escaped. */
  name: string;
}

export interface FakeTorrent {
  id: number;
  media: string;
  format: string;
  encoding: string;
  hasLog?: boolean;
  logScore?: number;
  hasCue?: boolean;
  scene?: boolean;
  remasterYear?: number;
  remasterTitle?: string;
  remasterRecordLabel?: string;
  remasterCatalogueNumber?: string;
  /** [name as stored (escaped), size]; a name may hold "/" for sub-directories. */
  files: [string, number][];
  /** The top directory as stored (escaped); "" for a single-file torrent. */
  filePath: string;
  seeders?: number;
  leechers?: number;
  snatched?: number;
  time?: string;
  /** A .torrent of the test's own (e.g. one a real client can download); default: generated. */
  makeFile?: (passkey: string) => Uint8Array;
}

export interface FakeGroup {
  id: number;
  /** As stored: HTML-escaped. */
  name: string;
  year: number;
  artistIds: number[];
  /** What.CD's release type id (1 Album, 5 EP, 9 Single, …). */
  releaseType: number;
  recordLabel?: string;
  catalogueNumber?: string;
  tags?: string[];
  /** Last change, epoch seconds. */
  time: number;
  torrents: FakeTorrent[];
}

export interface Catalogue {
  artists: FakeArtist[];
  groups: FakeGroup[];
}

const MB = 1024 * 1024;

/** Eleven tracks of `mb` MB each, named the usual way. */
function tracks(n: number, mb: number, ext = "flac"): [string, number][] {
  return Array.from({ length: n }, (_, i) => [
    `${String(i + 1).padStart(2, "0")} - Track ${i + 1}.${ext}`,
    mb * MB + i,
  ]);
}

export function defaultCatalogue(): Catalogue {
  return {
    artists: [
      { id: 101, name: "Bruce Cockburn" },
      { id: 102, name: "Simon &amp; Garfunkel" },
      { id: 103, name: "Bj&ouml;rk" },
      { id: 104, name: "Earth, Wind &amp; Fire" },
      { id: 105, name: "Sigur R&oacute;s" },
      { id: 1460, name: "Logistics" },
    ],
    groups: [
      {
        id: 2001,
        name: "You&#39;ve Never Seen Everything",
        year: 2003,
        artistIds: [101],
        releaseType: 1,
        recordLabel: "True North",
        tags: ["folk"],
        time: 1339117820,
        torrents: [
          {
            id: 3001,
            media: "CD",
            format: "FLAC",
            encoding: "Lossless",
            hasLog: true,
            logScore: 100,
            hasCue: true,
            files: [...tracks(11, 30), ["folder.jpg", 120_000]],
            filePath: "Bruce Cockburn - You&#39;ve Never Seen Everything (2003) [FLAC]",
            seeders: 12,
          },
          {
            id: 3002,
            media: "CD",
            format: "FLAC",
            encoding: "Lossless",
            hasLog: true,
            logScore: 80,
            files: tracks(11, 30),
            filePath: "Bruce Cockburn - You&#39;ve Never Seen Everything",
            seeders: 40,
          },
          {
            id: 3003,
            media: "WEB",
            format: "FLAC",
            encoding: "24bit Lossless",
            files: tracks(11, 70),
            filePath: "Bruce Cockburn - YNSE (2003) [WEB 24-96]",
            seeders: 5,
          },
          {
            id: 3004,
            media: "WEB",
            format: "FLAC",
            encoding: "Lossless",
            files: tracks(11, 30),
            filePath: "Bruce Cockburn - YNSE (2003) [WEB FLAC]",
            seeders: 9,
          },
          {
            id: 3005,
            media: "CD",
            format: "MP3",
            encoding: "320",
            files: tracks(11, 10, "mp3"),
            filePath: "Bruce Cockburn - YNSE [320]",
            seeders: 30,
          },
        ],
      },
      {
        id: 2002,
        name: "Life Short Call Now",
        year: 2006,
        artistIds: [101],
        releaseType: 1,
        time: 1339117900,
        torrents: [
          {
            id: 3011,
            media: "Vinyl",
            format: "FLAC",
            encoding: "24bit Lossless",
            files: tracks(12, 60),
            filePath: "Bruce Cockburn - Life Short Call Now (Vinyl 24-96)",
            seeders: 3,
          },
          {
            id: 3012,
            media: "Vinyl",
            format: "FLAC",
            encoding: "Lossless",
            files: tracks(12, 25),
            filePath: "Bruce Cockburn - Life Short Call Now (Vinyl 16-44)",
            seeders: 8,
          },
          {
            id: 3013,
            media: "CD",
            format: "FLAC",
            encoding: "Lossless",
            hasLog: false,
            files: tracks(12, 28),
            filePath: "Bruce Cockburn - Life Short Call Now",
            seeders: 2,
          },
        ],
      },
      {
        id: 2003,
        name: "Bridge Over Troubled Water",
        year: 1970,
        artistIds: [102],
        releaseType: 1,
        recordLabel: "Columbia",
        catalogueNumber: "KCS 9914",
        time: 1339118000,
        torrents: [
          {
            id: 3021,
            media: "CD",
            format: "FLAC",
            encoding: "Lossless",
            hasLog: true,
            logScore: 100,
            hasCue: true,
            remasterYear: 2001,
            remasterTitle: "Remastered &amp; Expanded",
            remasterRecordLabel: "Columbia/Legacy",
            remasterCatalogueNumber: "CK 66003",
            files: tracks(13, 25),
            filePath: "Simon &amp; Garfunkel - Bridge Over Troubled Water (2001 Remaster)",
            seeders: 20,
          },
          {
            id: 3022,
            media: "Vinyl",
            format: "FLAC",
            encoding: "24bit Lossless",
            remasterYear: 1970,
            files: tracks(11, 55),
            filePath: "Simon &amp; Garfunkel - Bridge Over Troubled Water (1970 LP)",
            seeders: 4,
          },
        ],
      },
      {
        id: 2004,
        name: "Homogenic",
        year: 1997,
        artistIds: [103],
        releaseType: 1,
        time: 1339118100,
        torrents: [
          {
            id: 3031,
            media: "CD",
            format: "FLAC",
            encoding: "Lossless",
            hasLog: true,
            logScore: 100,
            hasCue: false,
            files: tracks(10, 28),
            filePath: "Bj&ouml;rk - Homogenic",
            seeders: 15,
          },
        ],
      },
      {
        id: 2005,
        name: "That&#39;s the Way of the World",
        year: 1975,
        artistIds: [104],
        releaseType: 3,
        time: 1339118200,
        torrents: [
          {
            id: 3041,
            media: "CD",
            format: "FLAC",
            encoding: "Lossless",
            hasLog: true,
            logScore: 99,
            hasCue: true,
            files: tracks(8, 30),
            filePath: "Earth, Wind &amp; Fire - That&#39;s the Way of the World",
            seeders: 6,
          },
        ],
      },
      {
        id: 2006,
        name: "&Aacute;g&aelig;tis byrjun",
        year: 1999,
        artistIds: [105],
        releaseType: 1,
        time: 1339118300,
        torrents: [
          {
            id: 3051,
            media: "WEB",
            format: "FLAC",
            encoding: "Lossless",
            files: [
              ["01 - Intro.flac", 3 * MB],
              ["02 - Sv&eacute;fn-g-englar.flac", 50 * MB],
            ],
            filePath: "Sigur R&oacute;s - &Aacute;g&aelig;tis byrjun",
            seeders: 7,
          },
        ],
      },
      {
        id: 2007,
        name: "Fear Not",
        year: 2012,
        artistIds: [1460],
        releaseType: 1,
        recordLabel: "Hospital Records",
        catalogueNumber: "NHS209CD",
        time: 1339118400,
        torrents: [
          {
            id: 29991962,
            media: "CD",
            format: "FLAC",
            encoding: "Lossless",
            scene: true,
            files: tracks(19, 27),
            filePath: "Logistics-Fear_Not-CD-FLAC-2012",
            seeders: 20,
            snatched: 55,
          },
        ],
      },
      {
        id: 2008,
        name: "Jungle Music / Toytown",
        year: 2009,
        artistIds: [1460],
        releaseType: 9,
        time: 1339117820,
        torrents: [
          // A single-file torrent: filePath is empty.
          {
            id: 959473,
            media: "WEB",
            format: "FLAC",
            encoding: "Lossless",
            files: [["Logistics - Toytown.flac", 43 * MB]],
            filePath: "",
            seeders: 3,
          },
        ],
      },
    ],
  };
}
