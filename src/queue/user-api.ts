// What worker.ts files (seedwatch queue work --config worker.ts) get from the queue
// layer: defineWorker and the config's types. Composed with the other layers' parts in
// commands/user-api.ts; the declarations are checked against worker-config.ts by
// test/unit/user-api-dts.test.ts.

import type { UserApiPart } from "../config/user-api.ts";
import { defineWorker } from "./worker-config.ts";

// The types the declarations name, from the code (for the check against seedwatch.d.ts).
export type { Preferences } from "./gazelle/score.ts";
export type { Secret, SeedboxConfig, SiteCommon, SiteConfig, WorkerConfig } from "./worker-config.ts";

export const QUEUE_API = {
  exports: { defineWorker },
  dts: `  /** A secret written in the config, or where to read it: { env: "OPS_KEY" }, { file: "/run/keys/ops" }. */
  export type Secret = string | { env: string } | { file: string };

  export interface SiteCommon {
    name: string;
    /** The site's base URL, e.g. "https://orpheus.network". */
    url: string;
    /** Requests allowed per window; default 5 per 10 s. */
    rate_limit?: { requests: number; seconds: number };
    /**
     * How .torrent files are fetched: the token API (default with api_key)
     * or the passkey URL (default with a login).
     */
    download?: "api" | "passkey";
  }

  /** A Gazelle tracker: an API key (OPS sends "Authorization: token KEY", RED the bare key), or a login. */
  export type SiteConfig =
    | (SiteCommon & { api_key: Secret; auth_header?: "token" | "bare" })
    | (SiteCommon & { username: string; password: Secret });

  /** Where downloads go: rtorrent over SCGI, Transmission's RPC, or a watch directory. */
  export type SeedboxConfig =
    | {
        name: string;
        /**
         * scgi: a socket path or HOST:PORT. session: rtorrent's session directory; completions then
         * come from seedwatch's rtorrent index, run inside the worker (index_db: its database, default
         * $XDG_DATA_HOME/seedwatch/worker-<name>.rtorrent.db).
         */
        rtorrent: { scgi: string; session?: string; index_db?: string };
        directory?: string;
      }
    | { name: string; transmission: { url: string; username?: string; password?: Secret }; directory?: string }
    | { name: string; watch_dir: string };

  /** What to download when an album has several torrents. Defaults: FLAC; 24-bit, or a 100% log with cue, first. */
  export interface Preferences {
    /** Accepted formats, best first. */
    formats: string[];
    /** Accepted encodings, best first. */
    encodings: string[];
    /** Accepted media. */
    media: string[];
    /** A CD rip whose log scores lower is skipped. */
    min_log_score?: number;
    /** A cue sheet: +1 ("prefer"), needed on CD rips ("require"), or not looked at ("ignore"). */
    cue: "prefer" | "require" | "ignore";
    /** The best of every media scoring at least this is taken, besides the best overall. */
    take_at: number;
  }

  export interface WorkerConfig {
    /** The coordinator (seedwatch queue serve) and this worker's token. */
    coordinator: { url: string; token: Secret };
    sites: SiteConfig[];
    seedboxes: SeedboxConfig[];
    prefer?: Partial<Preferences>;
  }

  /** Returns its argument: a typed way to write worker.ts. */
  export function defineWorker(config: WorkerConfig): WorkerConfig;`,
} satisfies UserApiPart;
