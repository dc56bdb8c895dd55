// QueueStore: the one interface between the coordinator and its database. Two
// implementations: SqliteQueueStore (bun:sqlite, the default) and PostgresQueueStore
// (Bun.SQL). test/contracts/queue-store.contract.ts runs the same cases against both.
//
// Rules every implementation keeps:
// - A lease is atomic: while it runs, no other caller gets the task. Expired leases come
//   back. Each hand-out gets a fresh lease id; only that id extends or settles the task.
// - Every batch call is one transaction: a call that throws has written nothing.
// - Submits are idempotent: the same result sent twice records it once ("duplicate").
// - Time comes from the clock passed in, so tests move it instead of sleeping.

import type {
  AddOutcome,
  Album,
  AlbumLease,
  AlbumResult,
  CacheEntry,
  CacheKind,
  Completion,
  Download,
  DownloadLease,
  GiveBack,
  HandOff,
  LeaseRef,
  ListQuery,
  NewAlbum,
  Outcome,
  Page,
  QueuePolicy,
  Stats,
  TokenRecord,
} from "./model.ts";

export interface QueueClock {
  now(): number;
}

export interface QueueStore {
  readonly backend: "sqlite" | "postgres";
  readonly policy: QueuePolicy;

  /** The inventory: one outcome per row, in order. Duplicates (exact or normalised) are skipped. */
  addAlbums(rows: NewAlbum[]): Promise<AddOutcome[]>;
  /** Up to `n` metadata tasks for `worker`: never-tried and backed-off ones when due, and expired leases. */
  leaseAlbums(worker: string, n: number): Promise<AlbumLease[]>;
  extendAlbums(refs: LeaseRef[]): Promise<Outcome[]>;
  giveBackAlbums(worker: string, items: GiveBack[]): Promise<Outcome[]>;
  /**
   * Results per site: found (torrent ids) or not found ([]).
   * Found torrents become download tasks linked to the album.
   */
  submitAlbums(worker: string, results: AlbumResult[]): Promise<Outcome[]>;

  /** Up to `n` queued (or expired) download tasks of `site`. */
  leaseDownloads(worker: string, site: string, n: number): Promise<DownloadLease[]>;
  extendDownloads(refs: LeaseRef[]): Promise<Outcome[]>;
  giveBackDownloads(worker: string, items: GiveBack[]): Promise<Outcome[]>;
  /** The torrent is in a seedbox: the lease ends, the task waits for its files. */
  handOff(worker: string, items: HandOff[]): Promise<Outcome[]>;
  /** The files are in place (distleech's /torrents/submit). "unknown": no such (site, torrent). */
  complete(worker: string, items: Completion[]): Promise<Outcome[]>;

  listAlbums(q: ListQuery): Promise<Page<Album>>;
  listDownloads(q: ListQuery): Promise<Page<Download>>;
  stats(): Promise<Stats>;

  cacheGet(kind: CacheKind, site: string, key: string): Promise<CacheEntry | undefined>;
  cachePut(kind: CacheKind, site: string, key: string, body: unknown): Promise<void>;

  addToken(t: TokenRecord): Promise<boolean>;
  listTokens(): Promise<TokenRecord[]>;
  revokeToken(name: string): Promise<boolean>;
  tokenByName(name: string): Promise<TokenRecord | undefined>;
  tokenByHash(hash: string): Promise<TokenRecord | undefined>;
  /** A worker was heard from (the web page's "last seen"). */
  touchWorker(name: string, what: string): Promise<void>;

  close(): Promise<void>;
}
