// The worker's config (`worker.ts` exports `defineWorker({...})`): its types and its
// validation, pure. Loading the module is the command's job; reading secrets goes
// through the `SecretReader` it passes in (environment and files), so this file does no
// I/O. Every error names the field path (`sites[1].rate_limit.seconds`) and, for an
// unknown key, the nearest known one (config/keys.ts: one "did you mean" for every config).

import { closest } from "../config/keys.ts";
import { ConfigError } from "../errors.ts";
import type { GazelleSite } from "./gazelle/client.ts";
import { DEFAULT_PREFERENCES, type Preferences } from "./gazelle/score.ts";

/** A secret written in the config, or where to read it: `{ env: "OPS_KEY" }`, `{ file: "/run/keys/ops" }`. */
export type Secret = string | { env: string } | { file: string };

export interface SiteCommon {
  name: string;
  /** The site's base URL, e.g. "https://orpheus.network". */
  url: string;
  /** Requests allowed per window; default 5 per 10 s. */
  rate_limit?: { requests: number; seconds: number };
  /** How .torrent files are fetched: the token API (default with api_key) or the passkey URL (default with a login). */
  download?: "api" | "passkey";
}

export type SiteConfig =
  | (SiteCommon & {
      api_key: Secret;
      /** How the key is sent: `Authorization: token KEY` (OPS; the default) or the bare key (RED). */
      auth_header?: "token" | "bare";
    })
  | (SiteCommon & { username: string; password: Secret });

export type SeedboxConfig =
  | { name: string; rtorrent: RtorrentSeedboxConfig; directory?: string }
  | { name: string; transmission: { url: string; username?: string; password?: Secret }; directory?: string }
  | { name: string; watch_dir: string };

export interface RtorrentSeedboxConfig {
  /** A unix socket path or HOST:PORT. */
  scgi: string;
  /**
   * rtorrent's session directory: completions then come from seedwatch's rtorrent index,
   * run inside the worker, instead of asking rtorrent now and then.
   */
  session?: string;
  /** That index's database; default $XDG_DATA_HOME/seedwatch/worker-<name>.rtorrent.db. */
  index_db?: string;
}

export interface WorkerConfig {
  coordinator: { url: string; token: Secret };
  sites: SiteConfig[];
  seedboxes: SeedboxConfig[];
  prefer?: Partial<Preferences>;
}

/** The config with every secret read and every default filled in. */
export interface ResolvedWorkerConfig {
  coordinator: { url: string; token: string };
  sites: GazelleSite[];
  seedboxes: ResolvedSeedbox[];
  prefer: Preferences;
}

export type ResolvedSeedbox =
  | {
      name: string;
      kind: "rtorrent";
      scgi: string;
      directory: string | undefined;
      /** With the session: where the worker's rtorrent index keeps its database (undefined: the default). */
      index?: { session: string; db: string | undefined };
    }
  | {
      name: string;
      kind: "transmission";
      url: string;
      username: string | undefined;
      password: string | undefined;
      directory: string | undefined;
    }
  | { name: string; kind: "watch"; watch_dir: string };

/** Reads what a `Secret` points at; the command passes process.env and a file reader. */
export interface SecretReader {
  env(name: string): string | undefined;
  file(path: string): string;
}

/** Types a worker.ts by inference; returns its argument. */
export function defineWorker(config: WorkerConfig): WorkerConfig {
  return config;
}

/** Check `raw` (what worker.ts exported) and resolve its secrets; throws ConfigError naming the field. */
export function resolveWorkerConfig(raw: unknown, secrets: SecretReader): ResolvedWorkerConfig {
  const o = record(raw, "worker config", ["coordinator", "sites", "seedboxes", "prefer"]);
  const c = record(o.coordinator, "coordinator", ["url", "token"]);
  const coordinator = { url: httpUrl(c.url, "coordinator.url"), token: secret(c.token, "coordinator.token", secrets) };
  const sites = list(o.sites, "sites").map((s, i) => site(s, `sites[${i}]`, secrets));
  unique(sites, "sites");
  const seedboxes = list(o.seedboxes, "seedboxes").map((s, i) => seedbox(s, `seedboxes[${i}]`, secrets));
  unique(seedboxes, "seedboxes");
  return { coordinator, sites, seedboxes, prefer: preferences(o.prefer, "prefer") };
}

// --- internal ---

type Obj = Record<string, unknown>;

function site(raw: unknown, at: string, secrets: SecretReader): GazelleSite {
  const common = ["name", "url", "rate_limit", "download"];
  const peek = record(raw, at, undefined);
  const byKey = "api_key" in peek;
  if (!byKey && !("username" in peek))
    throw new ConfigError("needs api_key, or username and password", at, undefined, 'e.g. api_key: { env: "OPS_KEY" }');
  if (byKey && ("username" in peek || "password" in peek))
    throw new ConfigError("has both api_key and username/password: keep one", at);
  const o = record(raw, at, byKey ? [...common, "api_key", "auth_header"] : [...common, "username", "password"]);
  const auth: GazelleSite["auth"] = byKey
    ? {
        api_key: secret(o.api_key, `${at}.api_key`, secrets),
        style: oneOf(o.auth_header ?? "token", ["token", "bare"] as const, `${at}.auth_header`),
      }
    : { username: text(o.username, `${at}.username`), password: secret(o.password, `${at}.password`, secrets) };
  const out: GazelleSite = { name: text(o.name, `${at}.name`), url: httpUrl(o.url, `${at}.url`), auth };
  if (o.rate_limit !== undefined) {
    const r = record(o.rate_limit, `${at}.rate_limit`, ["requests", "seconds"]);
    const requests = r.requests;
    if (typeof requests !== "number" || !Number.isInteger(requests) || requests < 1)
      throw new ConfigError("must be a whole number of at least 1", `${at}.rate_limit.requests`, requests);
    if (typeof r.seconds !== "number" || !(r.seconds > 0))
      throw new ConfigError("must be a number of seconds above 0", `${at}.rate_limit.seconds`, r.seconds);
    out.rate_limit = { requests, windowMs: r.seconds * 1000 };
  }
  if (o.download !== undefined) out.download = oneOf(o.download, ["api", "passkey"] as const, `${at}.download`);
  return out;
}

function seedbox(raw: unknown, at: string, secrets: SecretReader): ResolvedSeedbox {
  const peek = record(raw, at, undefined);
  const name = text(peek.name, `${at}.name`);
  if ("rtorrent" in peek) {
    const o = record(raw, at, ["name", "rtorrent", "directory"]);
    const r = record(o.rtorrent, `${at}.rtorrent`, ["scgi", "session", "index_db"]);
    const scgi = text(r.scgi, `${at}.rtorrent.scgi`);
    if (!scgi.startsWith("/") && !/^[^\s/:]+:\d{1,5}$/.test(scgi) && !/^\[[0-9a-f:]+\]:\d{1,5}$/i.test(scgi))
      throw new ConfigError(
        "must be a socket path or HOST:PORT",
        `${at}.rtorrent.scgi`,
        scgi,
        'e.g. "/home/me/.rtorrent.sock" or "127.0.0.1:5000"',
      );
    const session = optPath(r.session, `${at}.rtorrent.session`);
    const db = optPath(r.index_db, `${at}.rtorrent.index_db`);
    if (db !== undefined && session === undefined)
      throw new ConfigError(
        "is used only with session",
        `${at}.rtorrent.index_db`,
        db,
        'add session: "/home/me/.session" (rtorrent\'s session.path), or remove index_db',
      );
    const index = session === undefined ? {} : { index: { session, db } };
    return { name, kind: "rtorrent", scgi, directory: optPath(o.directory, `${at}.directory`), ...index };
  }
  if ("transmission" in peek) {
    const o = record(raw, at, ["name", "transmission", "directory"]);
    const t = record(o.transmission, `${at}.transmission`, ["url", "username", "password"]);
    return {
      name,
      kind: "transmission",
      url: httpUrl(t.url, `${at}.transmission.url`),
      username: t.username === undefined ? undefined : text(t.username, `${at}.transmission.username`),
      password: t.password === undefined ? undefined : secret(t.password, `${at}.transmission.password`, secrets),
      directory: optPath(o.directory, `${at}.directory`),
    };
  }
  if ("watch_dir" in peek) {
    const o = record(raw, at, ["name", "watch_dir"]);
    return { name, kind: "watch", watch_dir: optPath(o.watch_dir, `${at}.watch_dir`)! };
  }
  const near = nearest(Object.keys(peek), ["rtorrent", "transmission", "watch_dir"]);
  throw new ConfigError(
    "needs one of rtorrent, transmission or watch_dir",
    at,
    undefined,
    near ? `did you mean ${near}?` : 'e.g. rtorrent: { scgi: "/home/me/.rtorrent.sock" }',
  );
}

function preferences(raw: unknown, at: string): Preferences {
  if (raw === undefined) return { ...DEFAULT_PREFERENCES };
  const o = record(raw, at, [...Object.keys(DEFAULT_PREFERENCES), "min_log_score"]);
  const p: Preferences = { ...DEFAULT_PREFERENCES };
  for (const k of ["formats", "encodings", "media"] as const) {
    if (o[k] === undefined) continue;
    const v = o[k];
    if (!Array.isArray(v) || v.length === 0 || v.some((x) => typeof x !== "string" || x === ""))
      throw new ConfigError(
        "must be a non-empty list of names",
        `${at}.${k}`,
        v,
        `default: ${JSON.stringify(DEFAULT_PREFERENCES[k])}`,
      );
    p[k] = v as string[];
  }
  for (const k of ["min_log_score", "take_at"] as const) {
    if (o[k] === undefined) continue;
    if (typeof o[k] !== "number" || !Number.isFinite(o[k]))
      throw new ConfigError("must be a number", `${at}.${k}`, o[k]);
    p[k] = o[k] as number;
  }
  if (o.cue !== undefined) p.cue = oneOf(o.cue, ["prefer", "require", "ignore"] as const, `${at}.cue`);
  return p;
}

function secret(v: unknown, at: string, secrets: SecretReader): string {
  let value: string | undefined;
  if (typeof v === "string") value = v;
  else if (typeof v === "object" && v !== null && !Array.isArray(v)) {
    const o = record(v, at, ["env", "file"]);
    if ("env" in o === "file" in o) throw new ConfigError("must be a string, { env: NAME } or { file: PATH }", at);
    if ("env" in o) {
      value = secrets.env(text(o.env, `${at}.env`));
      if (value === undefined) throw new ConfigError(`the environment variable ${o.env} is not set`, at, o.env);
    } else {
      const path = text(o.file, `${at}.file`);
      try {
        value = secrets.file(path).trim();
      } catch (err) {
        throw new ConfigError(`cannot read ${path}: ${(err as Error).message}`, at, path);
      }
    }
  } else throw new ConfigError("must be a string, { env: NAME } or { file: PATH }", at, v);
  if (value.trim() === "") throw new ConfigError("is empty", at);
  return value;
}

/** An object; with `known`, unknown keys are rejected with the nearest known one. */
function record(v: unknown, at: string, known: string[] | undefined): Obj {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new ConfigError("must be an object", at, v);
  for (const k of known ? Object.keys(v) : []) {
    if (known!.includes(k)) continue;
    const near = closest(k, known!);
    throw new ConfigError(
      `unknown key "${k}"`,
      at,
      k,
      near ? `did you mean ${near}?` : `known keys: ${known!.join(", ")}`,
    );
  }
  return v as Obj;
}

function list(v: unknown, at: string): unknown[] {
  if (!Array.isArray(v) || v.length === 0) throw new ConfigError("must be a non-empty list", at, v);
  return v;
}

function text(v: unknown, at: string): string {
  if (typeof v !== "string" || v.trim() === "") throw new ConfigError("must be a non-empty string", at, v);
  return v;
}

function optPath(v: unknown, at: string): string | undefined {
  if (v === undefined) return undefined;
  const p = text(v, at);
  if (!p.startsWith("/")) throw new ConfigError("must be an absolute path", at, p);
  return p;
}

function httpUrl(v: unknown, at: string): string {
  const s = text(v, at);
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    throw new ConfigError("is not a URL", at, s, 'e.g. "https://orpheus.network"');
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new ConfigError("must be an http(s) URL", at, s);
  return s;
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], at: string): T {
  if (typeof v === "string" && (allowed as readonly string[]).includes(v)) return v as T;
  const near = typeof v === "string" ? closest(v, allowed) : undefined;
  throw new ConfigError(
    `must be ${allowed.map((a) => JSON.stringify(a)).join(" or ")}`,
    at,
    v,
    near ? `did you mean "${near}"?` : undefined,
  );
}

function unique(items: { name: string }[], at: string): void {
  const seen = new Set<string>();
  for (const [i, { name }] of items.entries()) {
    if (seen.has(name)) throw new ConfigError(`the name "${name}" is used twice`, `${at}[${i}].name`, name);
    seen.add(name);
  }
}

/** The known word nearest to any of `words` (config/keys.ts decides what "near" is). */
function nearest(words: string[], known: string[]): string | undefined {
  for (const w of words) {
    const near = closest(w, known);
    if (near) return near;
  }
  return undefined;
}
