// The fake Gazelle's JSON bodies and .torrent files, in the shapes of reference §2.5–2.9
// (and the RogueOneEcho/gazelle_api fixtures): names stay HTML-escaped as stored, browse
// groups torrents by edition, the artist page lists `torrent` (singular) per group with
// an int releaseType, `torrent` carries `fileList` ("name{{{size}}}|||…") and `filePath`
// ("" for a single file). OPS-only fields appear in the "ops" style.

import bencode from "bencode";
import { decodeHTML } from "entities";
import { bdecode } from "../../src/rtorrent/bdecode.ts";
import type { Catalogue, FakeArtist, FakeGroup, FakeTorrent } from "./gazelle-catalogue.ts";

export interface RenderOptions {
  style: "ops" | "red";
  groupTime: "epoch" | "datetime";
  browseReleaseType: "name" | "int";
  infoHashVisible: boolean;
  source: string;
  announce: () => string;
  artist: (id: number) => FakeArtist | undefined;
}

const RELEASE_NAMES: Record<number, string> = {
  1: "Album",
  3: "Soundtrack",
  5: "EP",
  6: "Anthology",
  7: "Compilation",
  9: "Single",
  11: "Live album",
  13: "Remix",
  14: "Bootleg",
  21: "Unknown",
};
const PAGE_SIZE = 50;

export function envelope(style: "ops" | "red", response: unknown): unknown {
  return style === "ops"
    ? { status: "success", response, info: { source: "Orpheus", version: 1 } }
    : { status: "success", response };
}

/** RED's HTTP status for a failure (gazelle_api's mapping): 400 bad request, 401, 404, 429. */
export function failureStatus(error: string, fallback: number): number {
  if (/rate limit/i.test(error)) return 429;
  if (error === "bad id parameter" || error === "bad parameters") return 400;
  if (error === "failure" || error === "could not find torrent") return 404;
  return fallback;
}

export function renderBrowse(cat: Catalogue, p: URLSearchParams, o: RenderOptions): unknown {
  const artistWords = words(p.get("artistname"));
  const groupWords = words(p.get("groupname"));
  const anyWords = words(p.get("searchstr"));
  const hits = cat.groups.filter((g) => {
    const artist = words(
      artistsOf(g, o)
        .map((a) => a.name)
        .join(" "),
    );
    const name = words(g.name);
    return (
      artistWords.every((w) => artist.includes(w)) &&
      groupWords.every((w) => name.includes(w)) &&
      anyWords.every((w) => artist.includes(w) || name.includes(w))
    );
  });
  const page = Math.max(1, Number(p.get("page")) || 1);
  const results = hits.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE).map((g) => browseRow(g, o));
  if (hits.length === 0) return { results: [], youMightLike: [] };
  return { currentPage: page, pages: Math.ceil(hits.length / PAGE_SIZE), results };
}

export function renderArtist(a: FakeArtist, cat: Catalogue, o: RenderOptions): unknown {
  const groups = cat.groups.filter((g) => g.artistIds.includes(a.id));
  const torrents = groups.flatMap((g) => g.torrents);
  return {
    id: a.id,
    name: a.name,
    notificationsEnabled: false,
    hasBookmarked: false,
    image: "",
    body: "",
    vanityHouse: false,
    tags: [],
    similarArtists: [],
    statistics: {
      numGroups: groups.length,
      numTorrents: torrents.length,
      numSeeders: torrents.reduce((n, t) => n + (t.seeders ?? 0), 0),
      numLeechers: 0,
      numSnatches: torrents.reduce((n, t) => n + (t.snatched ?? 0), 0),
    },
    torrentgroup: groups.map((g) => ({
      groupId: g.id,
      groupName: g.name,
      groupYear: g.year,
      groupRecordLabel: g.recordLabel ?? "",
      groupCatalogueNumber: g.catalogueNumber ?? "",
      groupCategoryID: "1",
      tags: g.tags ?? [],
      releaseType: g.releaseType,
      wikiImage: "",
      groupVanityHouse: false,
      hasBookmarked: false,
      artists: artistsOf(g, o).map((x) => ({ id: x.id, name: x.name, aliasid: x.id })),
      extendedArtists: { "1": artistsOf(g, o).map((x) => ({ id: x.id, name: x.name, aliasid: x.id })), "2": null },
      torrent: g.torrents.map((t) => ({
        id: t.id,
        groupId: g.id,
        media: t.media,
        format: t.format,
        encoding: t.encoding,
        remasterYear: t.remasterYear ?? 0,
        remastered: t.remasterYear !== undefined,
        remasterTitle: t.remasterTitle ?? "",
        remasterRecordLabel: t.remasterRecordLabel ?? "",
        scene: t.scene ?? false,
        hasLog: t.hasLog ?? false,
        hasCue: t.hasCue ?? false,
        logScore: t.logScore ?? 0,
        fileCount: t.files.length,
        freeTorrent: false,
        size: sizeOf(t),
        leechers: t.leechers ?? 0,
        seeders: t.seeders ?? 0,
        snatched: t.snatched ?? 0,
        time: t.time ?? "2012-04-14 15:57:00",
        hasFile: t.id,
      })),
    })),
    requests: [],
  };
}

export function renderGroup(g: FakeGroup, o: RenderOptions): unknown {
  return { group: groupBody(g, o), torrents: g.torrents.map((t) => torrentBody(g, t, o)) };
}

export function renderTorrent(g: FakeGroup, t: FakeTorrent, o: RenderOptions): unknown {
  return { group: groupBody(g, o), torrent: torrentBody(g, t, o) };
}

/** The .torrent served for `t` to the holder of `passkey`, and its info hash. */
export function torrentFileOf(g: FakeGroup, t: FakeTorrent, passkey: string, o: RenderOptions) {
  if (t.makeFile) {
    const bytes = t.makeFile(passkey);
    const d = bdecode(bytes);
    return { bytes, infoHash: sha1(bytes.subarray(d.info![0], d.info![1])) };
  }
  const info = infoBytes(g, t, o.source);
  const head = bencode.encode({ announce: `${o.announce()}/${passkey}/announce`, "created by": "fake gazelle" });
  const bytes = concat(
    head.subarray(0, head.length - 1),
    new TextEncoder().encode("4:info"),
    info,
    new Uint8Array([0x65]),
  );
  return { bytes, infoHash: sha1(info) };
}

// --- internal ---

function words(s: string | null): string[] {
  return s
    ? decodeHTML(s)
        .toLowerCase()
        .split(/[^\p{L}\p{N}]+/u)
        .filter(Boolean)
    : [];
}

function artistsOf(g: FakeGroup, o: RenderOptions): FakeArtist[] {
  return g.artistIds.flatMap((id) => o.artist(id) ?? []);
}

function sizeOf(t: FakeTorrent): number {
  return t.files.reduce((n, [, size]) => n + size, 0);
}

function groupTime(g: FakeGroup, o: RenderOptions): string {
  return o.groupTime === "epoch" ? String(g.time) : datetime(g.time);
}

function datetime(epoch: number): string {
  return new Date(epoch * 1000).toISOString().slice(0, 19).replace("T", " ");
}

function browseRow(g: FakeGroup, o: RenderOptions): unknown {
  const artists = artistsOf(g, o);
  const editions = new Map<string, number>();
  return {
    groupId: o.style === "ops" ? String(g.id) : g.id,
    groupName: g.name,
    artist: artists.length > 2 ? "Various Artists" : artists.map((a) => a.name).join(" &amp; "),
    cover: "",
    tags: g.tags ?? [],
    bookmarked: false,
    vanityHouse: false,
    groupYear: g.year,
    releaseType: o.browseReleaseType === "int" ? g.releaseType : (RELEASE_NAMES[g.releaseType] ?? "Unknown"),
    groupTime: groupTime(g, o),
    maxSize: Math.max(...g.torrents.map(sizeOf)),
    totalSnatched: g.torrents.reduce((n, t) => n + (t.snatched ?? 0), 0),
    totalSeeders: g.torrents.reduce((n, t) => n + (t.seeders ?? 0), 0),
    totalLeechers: 0,
    torrents: g.torrents.map((t) => {
      const key = `${t.remasterYear}|${t.remasterTitle}|${t.remasterRecordLabel}|${t.remasterCatalogueNumber}`;
      if (!editions.has(key)) editions.set(key, editions.size + 1);
      return {
        torrentId: t.id,
        editionId: editions.get(key),
        artists: artists.map((a) => ({ id: a.id, name: a.name, aliasid: a.id })),
        remastered: t.remasterYear !== undefined,
        remasterYear: t.remasterYear ?? 0,
        remasterCatalogueNumber: t.remasterCatalogueNumber ?? "",
        remasterTitle: t.remasterTitle ?? "",
        remasterRecordLabel: t.remasterRecordLabel ?? "",
        media: t.media,
        format: t.format,
        encoding: t.encoding,
        hasLog: t.hasLog ?? false,
        logScore: t.logScore ?? 0,
        hasCue: t.hasCue ?? false,
        scene: t.scene ?? false,
        vanityHouse: false,
        fileCount: t.files.length,
        time: t.time ?? "2012-04-14 15:57:00",
        size: sizeOf(t),
        snatches: t.snatched ?? 0,
        seeders: t.seeders ?? 0,
        leechers: t.leechers ?? 0,
        isFreeleech: false,
        isNeutralLeech: false,
        isPersonalFreeleech: false,
        canUseToken: true,
      };
    }),
  };
}

function groupBody(g: FakeGroup, o: RenderOptions): unknown {
  const artists = artistsOf(g, o).map((a) => ({ id: a.id, name: a.name }));
  return {
    wikiBody: "",
    wikiImage: "",
    id: g.id,
    name: g.name,
    year: g.year,
    recordLabel: g.recordLabel ?? "",
    catalogueNumber: g.catalogueNumber ?? "",
    releaseType: g.releaseType,
    ...(o.style === "ops" ? { releaseTypeName: RELEASE_NAMES[g.releaseType] ?? "Unknown" } : {}),
    categoryId: 1,
    categoryName: "Music",
    time: datetime(g.time),
    vanityHouse: false,
    isBookmarked: false,
    tags: g.tags ?? [],
    musicInfo: { composers: [], dj: [], artists, with: [], conductor: [], remixedBy: [], producer: [] },
  };
}

function torrentBody(g: FakeGroup, t: FakeTorrent, o: RenderOptions): unknown {
  const hash = torrentFileOf(g, t, "", o).infoHash;
  const ops = o.style === "ops";
  return {
    id: t.id,
    ...(o.infoHashVisible ? { infoHash: ops ? hash.toLowerCase() : hash } : {}),
    media: t.media,
    format: t.format,
    encoding: t.encoding,
    remastered: t.remasterYear !== undefined,
    remasterYear: t.remasterYear ?? 0,
    remasterTitle: t.remasterTitle ?? "",
    remasterRecordLabel: t.remasterRecordLabel ?? "",
    remasterCatalogueNumber: t.remasterCatalogueNumber ?? "",
    scene: t.scene ?? false,
    hasLog: t.hasLog ?? false,
    hasCue: t.hasCue ?? false,
    logScore: t.logScore ?? 0,
    ...(ops ? { logChecksum: t.hasLog ?? false, logCount: t.hasLog ? 1 : 0, ripLogIds: [] } : {}),
    fileCount: t.files.length,
    size: sizeOf(t),
    seeders: t.seeders ?? 0,
    leechers: t.leechers ?? 0,
    snatched: t.snatched ?? 0,
    freeTorrent: ops ? "Normal" : false,
    reported: false,
    time: t.time ?? "2012-04-14 15:57:00",
    description: "",
    fileList: t.files.map(([name, size]) => `${name}{{{${size}}}}`).join("|||"),
    filePath: t.filePath,
    userId: 567,
    username: ops ? null : "uploader",
  };
}

const infoCache = new WeakMap<FakeTorrent, { source: string; bytes: Uint8Array }>();

/** The info dictionary: real names (decoded), private, the site's source flag. */
function infoBytes(g: FakeGroup, t: FakeTorrent, source: string): Uint8Array {
  const cached = infoCache.get(t);
  if (cached?.source === source) return cached.bytes;
  const pieceLength = 2 ** 18;
  const total = sizeOf(t);
  const pieces = new Uint8Array(20 * Math.max(1, Math.ceil(total / pieceLength)));
  for (let i = 0; i < pieces.length / 20; i++)
    pieces.set(new Bun.CryptoHasher("sha1").update(`${g.id}:${t.id}:${i}`).digest(), i * 20);
  const single = t.filePath === "";
  const info = single
    ? { length: total, name: decodeHTML(t.files[0]![0]), "piece length": pieceLength, pieces, private: 1, source }
    : {
        files: t.files.map(([name, length]) => ({ length, path: decodeHTML(name).split("/") })),
        name: decodeHTML(t.filePath),
        "piece length": pieceLength,
        pieces,
        private: 1,
        source,
      };
  const bytes = bencode.encode(info);
  infoCache.set(t, { source, bytes });
  return bytes;
}

function sha1(b: Uint8Array): string {
  return new Bun.CryptoHasher("sha1").update(b).digest("hex").toUpperCase();
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
