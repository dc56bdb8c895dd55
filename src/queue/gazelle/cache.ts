// The lookup cache: artist answers (kept 7 days, distleech's TTL) and torrent metadata
// (kept: the file list identifies a finished download later). Keys are the site's host
// (distleech's netloc), so every worker that searches one tracker shares the entries,
// whatever it calls the site. Freshness is decided by the caller (search.ts) from
// `fetchedAt`, so a backend only stores; the coordinator backs this with its store, and
// MemoryCache serves a worker on its own and the tests.

import type { Artist, TorrentDetail } from "./types.ts";

export interface Cached<T> {
  value: T;
  /** Epoch ms when it was fetched from the site. */
  fetchedAt: number;
}

export interface GazelleCache {
  /** `artist` null: the site said there is no such artist. */
  getArtist(host: string, key: string): Promise<Cached<Artist | null> | undefined>;
  putArtist(host: string, key: string, entry: Cached<Artist | null>): Promise<void>;
  getTorrent(host: string, id: number): Promise<Cached<TorrentDetail> | undefined>;
  putTorrent(host: string, id: number, entry: Cached<TorrentDetail>): Promise<void>;
}

export const ARTIST_TTL_MS = 7 * 24 * 3600_000;

/** The cache key of an artist name: the site matches names case-insensitively. */
export function artistKey(name: string): string {
  return name.trim().toLowerCase();
}

export class MemoryCache implements GazelleCache {
  private readonly artists = new Map<string, Cached<Artist | null>>();
  private readonly torrents = new Map<string, Cached<TorrentDetail>>();

  async getArtist(host: string, key: string): Promise<Cached<Artist | null> | undefined> {
    return this.artists.get(`${host}\n${key}`);
  }

  async putArtist(host: string, key: string, entry: Cached<Artist | null>): Promise<void> {
    this.artists.set(`${host}\n${key}`, entry);
  }

  async getTorrent(host: string, id: number): Promise<Cached<TorrentDetail> | undefined> {
    return this.torrents.get(`${host}\n${id}`);
  }

  async putTorrent(host: string, id: number, entry: Cached<TorrentDetail>): Promise<void> {
    this.torrents.set(`${host}\n${id}`, entry);
  }
}
