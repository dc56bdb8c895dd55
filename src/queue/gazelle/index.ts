// The Gazelle side of `seedwatch queue work`: the client, search, scoring, download checks.
export { ARTIST_TTL_MS, artistKey, type Cached, type GazelleCache, MemoryCache } from "./cache.ts";
export { type Gazelle, type GazelleOptions, type GazelleSite, HttpGazelle, USER_AGENT } from "./client.ts";
export { checkTorrentFile } from "./download.ts";
export { GazelleError, type GazelleReason } from "./errors.ts";
export { matchRank, normalizeTitle, sortNameToArtist } from "./names.ts";
export { DEFAULT_RATE_LIMIT, type RateLimit, RateLimiter, sharedLimiter } from "./rate-limit.ts";
export {
  bestPerMedia,
  chooseTorrents,
  compareScored,
  DEFAULT_PREFERENCES,
  type Preferences,
  type Scored,
  scoreTorrent,
} from "./score.ts";
export { type AlbumQuery, type AlbumResult, AlbumSearch, type AlbumSearchOptions } from "./search.ts";
export { decodeName, parseFileList } from "./shapes.ts";
export type * from "./types.ts";
export { RELEASE_TYPES } from "./types.ts";
