// Reading Gazelle's JSON into the plain types of types.ts. Sites disagree on shapes
// (reference §2.4–2.8): ids and counts as numbers or strings, releaseType as an int
// (artist, torrentgroup) or a name (browse), groupTime as epoch seconds (RED) or a
// datetime (OPS), the artist page's per-group list named `torrent` (singular),
// OPS's `freeTorrent` enum and `username: null`. Every name is HTML-entity-decoded here,
// once, so nothing above compares encoded text. A field that must be there and is not
// throws ShapeError, which the client turns into a GazelleError("response").

import { decodeHTML } from "entities";
import {
  type Account,
  type Artist,
  type BrowsePage,
  type Edition,
  type Group,
  RELEASE_TYPES,
  type Torrent,
  type TorrentDetail,
  type TorrentFileEntry,
} from "./types.ts";

export class ShapeError extends Error {}

/** Decode HTML entities (&amp; &#39; &eacute; …) in a name. */
export function decodeName(s: string): string {
  return s.includes("&") ? decodeHTML(s) : s;
}

/** `name{{{size}}}|||name{{{size}}}` → entries, names decoded. */
export function parseFileList(list: string): TorrentFileEntry[] {
  if (list === "") return [];
  return list.split("|||").map((entry) => {
    const m = /^(.*)\{\{\{(\d+)\}\}\}$/s.exec(entry);
    if (!m) throw new ShapeError(`fileList entry ${JSON.stringify(entry.slice(0, 80))} is not name{{{size}}}`);
    return { name: decodeName(m[1]!), size: Number(m[2]) };
  });
}

export function readAccount(r: unknown): Account {
  const o = obj(r, "index");
  return {
    id: num(o.id, "index.id"),
    username: text(o.username, "index.username"),
    authkey: text(o.authkey, "index.authkey"),
    passkey: text(o.passkey, "index.passkey"),
  };
}

export function readBrowse(r: unknown): BrowsePage {
  const o = obj(r, "browse");
  const results = Array.isArray(o.results) ? o.results : [];
  const groups: Group[] = [];
  for (const [i, row] of results.entries()) {
    const g = obj(row, `browse.results[${i}]`);
    if (!Array.isArray(g.torrents)) continue; // a non-music row: no torrent list
    const id = num(g.groupId, `browse.results[${i}].groupId`);
    groups.push({
      id,
      name: decodeName(text(g.groupName, `browse.results[${i}].groupName`)),
      year: optNum(g.groupYear),
      artists: typeof g.artist === "string" && g.artist !== "" ? [decodeName(g.artist)] : [],
      releaseType: releaseType(g.releaseType),
      time: groupTime(g.groupTime),
      torrents: g.torrents.map((t, j) => torrent(t, id, `browse.results[${i}].torrents[${j}]`, "torrentId")),
    });
  }
  return { page: optNum(o.currentPage) || 1, pages: optNum(o.pages) || (groups.length ? 1 : 0), groups };
}

export function readArtist(r: unknown): Artist {
  const o = obj(r, "artist");
  const list = Array.isArray(o.torrentgroup) ? o.torrentgroup : [];
  return {
    id: num(o.id, "artist.id"),
    name: decodeName(text(o.name, "artist.name")),
    groups: list.map((row, i) => {
      const g = obj(row, `artist.torrentgroup[${i}]`);
      const id = num(g.groupId, `artist.torrentgroup[${i}].groupId`);
      const torrents = Array.isArray(g.torrent) ? g.torrent : Array.isArray(g.torrents) ? g.torrents : [];
      return {
        id,
        name: decodeName(text(g.groupName, `artist.torrentgroup[${i}].groupName`)),
        year: optNum(g.groupYear),
        artists: artistNames(g.artists),
        releaseType: releaseType(g.releaseType),
        time: undefined,
        torrents: torrents.map((t: unknown, j: number) =>
          torrent(t, id, `artist.torrentgroup[${i}].torrent[${j}]`, "id"),
        ),
      };
    }),
  };
}

export function readTorrentGroup(r: unknown): Group {
  const o = obj(r, "torrentgroup");
  const group = groupOf(o.group, "torrentgroup.group");
  const list = Array.isArray(o.torrents) ? o.torrents : [];
  return { ...group, torrents: list.map((t, j) => torrent(t, group.id, `torrentgroup.torrents[${j}]`, "id")) };
}

export function readTorrent(r: unknown): TorrentDetail {
  const o = obj(r, "torrent");
  const group = groupOf(o.group, "torrent.group");
  const t = obj(o.torrent, "torrent.torrent");
  const hash =
    typeof t.infoHash === "string" && /^[0-9a-fA-F]{40}$/.test(t.infoHash) ? t.infoHash.toUpperCase() : undefined;
  return {
    group,
    torrent: {
      ...torrent(t, group.id, "torrent.torrent", "id"),
      filePath: decodeName(typeof t.filePath === "string" ? t.filePath : ""),
      files: parseFileList(typeof t.fileList === "string" ? t.fileList : ""),
      infoHash: hash,
      description: typeof t.description === "string" ? t.description : "",
    },
  };
}

// --- internal ---

type Obj = Record<string, unknown>;

function obj(v: unknown, at: string): Obj {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new ShapeError(`${at} is not an object`);
  return v as Obj;
}

function num(v: unknown, at: string): number {
  const n = typeof v === "number" ? v : typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isFinite(n)) throw new ShapeError(`${at} is not a number (${JSON.stringify(v)})`);
  return n;
}

function optNum(v: unknown): number {
  const n = typeof v === "number" ? v : typeof v === "string" ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : 0;
}

function text(v: unknown, at: string): string {
  if (typeof v === "number") return String(v);
  if (typeof v !== "string") throw new ShapeError(`${at} is not a string`);
  return v;
}

function optText(v: unknown): string {
  return typeof v === "string" ? decodeName(v) : "";
}

function bool(v: unknown): boolean {
  return v === true || v === 1 || v === "1" || v === "true";
}

function releaseType(v: unknown): string {
  if (typeof v === "string" && !/^\d+$/.test(v)) return decodeName(v);
  const n = optNum(v);
  return RELEASE_TYPES[n] ?? (n ? `type ${n}` : "Unknown");
}

/** Epoch seconds from "1339117820" (What.CD, RED) or "2012-06-08 01:10:20" (OPS). */
function groupTime(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v !== "string" || v === "") return undefined;
  if (/^\d+$/.test(v)) return Number(v);
  const ms = Date.parse(`${v.replace(" ", "T")}Z`);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}

function artistNames(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((a) => (typeof a === "object" && a && typeof a.name === "string" ? [decodeName(a.name)] : []));
}

function groupOf(v: unknown, at: string): Omit<Group, "torrents"> {
  const g = obj(v, at);
  const music = typeof g.musicInfo === "object" && g.musicInfo ? (g.musicInfo as Obj) : {};
  return {
    id: num(g.id, `${at}.id`),
    name: decodeName(text(g.name, `${at}.name`)),
    year: optNum(g.year),
    artists: artistNames(music.artists),
    releaseType: releaseType(g.releaseType),
    time: groupTime(g.time),
  };
}

function torrent(v: unknown, groupId: number, at: string, idKey: "id" | "torrentId"): Torrent {
  const t = obj(v, at);
  const edition: Edition = {
    remastered: bool(t.remastered),
    year: optNum(t.remasterYear),
    title: optText(t.remasterTitle),
    recordLabel: optText(t.remasterRecordLabel),
    catalogueNumber: optText(t.remasterCatalogueNumber),
  };
  return {
    id: num(t[idKey], `${at}.${idKey}`),
    groupId: t.groupId === undefined ? groupId : optNum(t.groupId) || groupId,
    media: optText(t.media),
    format: optText(t.format),
    encoding: optText(t.encoding),
    hasLog: bool(t.hasLog),
    logScore: optNum(t.logScore),
    hasCue: bool(t.hasCue),
    scene: bool(t.scene),
    edition,
    fileCount: optNum(t.fileCount),
    size: optNum(t.size),
    seeders: optNum(t.seeders),
    leechers: optNum(t.leechers),
    snatched: optNum(t.snatched ?? t.snatches),
    time: typeof t.time === "string" ? t.time : "",
  };
}
