// The Gazelle interface (what a worker calls) and its HTTP implementation.
//
// Theory of operation: every request to a site goes through the site's one limiter
// (rate-limit.ts), shared by the whole process. Auth is chosen per site: an API key sent
// as `Authorization: token KEY` (OPS) or as the bare key (RED), or a login whose session
// cookie is kept and renewed once when the site sends us back to login.php (then every
// ajax call carries `auth=<authkey>` from `index`). The site's answer is read in both
// error styles: OPS answers HTTP 200 with `{"status":"failure","error":…}` for
// everything, RED uses 400/401/404/429. A rate-limit answer of either style closes the
// limiter for a window and retries; everything else that is not a documented "no such
// thing" throws a GazelleError with a reason, so a failure never reads as "not found".

import { VERSION } from "../../version.ts";
import { type Clock, realClock } from "../../clock.ts";
import { checkTorrentFile } from "./download.ts";
import { GazelleError } from "./errors.ts";
import { isLoginRedirect, MISSING_BY_ID, RATE_LIMITED, readAnswer } from "./envelope.ts";
import { DEFAULT_RATE_LIMIT, type RateLimit, type RateLimiter, sharedLimiter } from "./rate-limit.ts";
import { readAccount, readArtist, readBrowse, readTorrent, readTorrentGroup, ShapeError } from "./shapes.ts";
import type { Account, Artist, BrowsePage, BrowseQuery, Group, TorrentDetail, TorrentFile } from "./types.ts";

/** What a worker needs from one tracker. `undefined` means the site says there is no such thing. */
export interface Gazelle {
  readonly site: string;
  account(): Promise<Account>;
  browse(query: BrowseQuery): Promise<BrowsePage>;
  artist(name: string): Promise<Artist | undefined>;
  torrentGroup(id: number): Promise<Group | undefined>;
  torrent(id: number): Promise<TorrentDetail | undefined>;
  /** The .torrent file, checked; `expectHash` (from the torrent's metadata) must match its info hash. */
  download(id: number, expectHash?: string): Promise<TorrentFile>;
}

/** One site, secrets already resolved (worker-config.ts reads them from env or files). */
export interface GazelleSite {
  name: string;
  url: string;
  auth: { api_key: string; style: "token" | "bare" } | { username: string; password: string };
  rate_limit?: RateLimit;
  /** How .torrent files are fetched: the token API (default with a key) or the passkey URL (default with a login). */
  download?: "api" | "passkey";
}

export interface GazelleOptions {
  fetch?: typeof fetch;
  clock?: Clock;
  /** Per request; a site that does not answer in time is a "network" failure. */
  timeoutMs?: number;
  /** Rate-limit answers waited out before giving up with "rate-limited". */
  rateLimitRetries?: number;
  /** A limiter of one's own instead of the process-wide one of the site. */
  limiter?: RateLimiter;
}

/** Names seedwatch (trackers refuse downloads from python-requests, Python-urllib, BTWebClient, uTorrent). */
export const USER_AGENT = `seedwatch/${VERSION} (queue worker; Gazelle JSON API)`;

export class HttpGazelle implements Gazelle {
  readonly site: string;
  private readonly base: URL;
  private readonly limiter: RateLimiter;
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private cookie: string | undefined;
  private login: Promise<void> | undefined;
  private me: Promise<Account> | undefined;

  constructor(
    private readonly config: GazelleSite,
    opts: GazelleOptions = {},
  ) {
    this.site = config.name;
    this.base = new URL(config.url.endsWith("/") ? config.url : `${config.url}/`);
    const who = "username" in config.auth ? config.auth.username : hashOf(config.auth.api_key);
    this.limiter =
      opts.limiter ??
      sharedLimiter(`${this.base.origin}|${who}`, config.rate_limit ?? DEFAULT_RATE_LIMIT, opts.clock ?? realClock);
    this.fetch = opts.fetch ?? fetch;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.retries = opts.rateLimitRetries ?? 6;
  }

  account(): Promise<Account> {
    this.me ??= this.ajax("index", {}).then((r) => this.read(readAccount, r.body));
    this.me.catch(() => (this.me = undefined));
    return this.me;
  }

  async browse(query: BrowseQuery): Promise<BrowsePage> {
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== "") params[k] = String(v);
    return this.read(readBrowse, (await this.ajax("browse", params)).body);
  }

  async artist(name: string): Promise<Artist | undefined> {
    const r = await this.ajax("artist", { artistname: name }, ["failure"]);
    return r.missing ? undefined : this.read(readArtist, r.body);
  }

  async torrentGroup(id: number): Promise<Group | undefined> {
    const r = await this.ajax("torrentgroup", { id: String(id) }, MISSING_BY_ID);
    return r.missing ? undefined : this.read(readTorrentGroup, r.body);
  }

  async torrent(id: number): Promise<TorrentDetail | undefined> {
    const r = await this.ajax("torrent", { id: String(id) }, MISSING_BY_ID);
    return r.missing ? undefined : this.read(readTorrent, r.body);
  }

  async download(id: number, expectHash?: string): Promise<TorrentFile> {
    if (!Number.isInteger(id) || id <= 0) throw new GazelleError(this.site, "torrent-file", `no torrent id ${id}`);
    const usePasskey = (this.config.download ?? ("username" in this.config.auth ? "passkey" : "api")) === "passkey";
    if (!("api_key" in this.config.auth)) await this.ensureSession();
    let url: URL;
    if (usePasskey) {
      const me = await this.account();
      url = this.url("torrents.php", {
        action: "download",
        id: String(id),
        authkey: me.authkey,
        torrent_pass: me.passkey,
      });
    } else {
      url = this.url("ajax.php", { action: "download", id: String(id) });
      if (!("api_key" in this.config.auth)) url.searchParams.set("auth", (await this.account()).authkey);
    }
    for (let attempt = 0; ; attempt++) {
      const res = await this.send(url, "download", !usePasskey);
      if (res.status === 200 && /^application\/x-bittorrent\b/i.test(res.headers.get("content-type") ?? "")) {
        const bytes = new Uint8Array(await res.arrayBuffer());
        return checkTorrentFile(this.site, id, bytes, res.headers, expectHash);
      }
      const body = await res.text();
      if (res.status === 403)
        throw new GazelleError(this.site, "auth", `download ${id} refused (403): is the account disabled?`, 403);
      if (isLoginRedirect(res))
        throw new GazelleError(
          this.site,
          "auth",
          `download ${id}: not logged in (the site sent us to login.php)`,
          res.status,
        );
      // A JSON error envelope on failure (bad id, no token) or a server error is read as
      // such; anything else (a 200 HTML page) is simply not a torrent file.
      const type = res.headers.get("content-type") || "untyped";
      const readable = res.status >= 500 || res.status === 429 || /json/i.test(type);
      if (readable && readAnswer(this.site, res.status, body, "download", []) === RATE_LIMITED) {
        this.waitOut(res, attempt, "download");
        continue;
      }
      throw new GazelleError(
        this.site,
        "torrent-file",
        `download ${id}: the answer is ${type}, not application/x-bittorrent`,
        res.status,
      );
    }
  }

  // --- internal ---

  /** One ajax action, with rate-limit retries and (for a login) one renewal of the session. */
  private async ajax(
    action: string,
    params: Record<string, string>,
    missing: string[] = [],
  ): Promise<{ body: unknown; missing: boolean }> {
    let relogged = false;
    for (let attempt = 0; ; attempt++) {
      const url = this.url("ajax.php", { action, ...params });
      if (!("api_key" in this.config.auth)) {
        await this.ensureSession();
        if (action !== "index") url.searchParams.set("auth", (await this.account()).authkey);
      }
      const res = await this.send(url, action, true);
      // A session that ended: OPS sends us to login.php, a site with status codes may say 401.
      const loggedOut = isLoginRedirect(res) || (res.status === 401 && !("api_key" in this.config.auth));
      if (loggedOut) {
        if ("api_key" in this.config.auth || relogged) {
          const why = relogged ? "even after a new login" : "the API key was not taken";
          throw new GazelleError(
            this.site,
            "auth",
            `${action}: not logged in (HTTP ${res.status}: ${why})`,
            res.status,
          );
        }
        await res.arrayBuffer();
        relogged = true;
        this.cookie = undefined;
        this.login = undefined;
        if (action !== "index") this.me = undefined; // a new session has a new authkey
        attempt--;
        continue;
      }
      const body = await res.text();
      const out = readAnswer(this.site, res.status, body, action, missing);
      if (out !== RATE_LIMITED) return out;
      this.waitOut(res, attempt, action);
    }
  }

  /** A rate-limit answer: close the limiter for a window (or Retry-After), or give up. */
  private waitOut(res: Response, attempt: number, action: string): void {
    if (attempt >= this.retries)
      throw new GazelleError(
        this.site,
        "rate-limited",
        `${action}: still rate-limited after ${attempt + 1} tries`,
        res.status,
      );
    const after = Number(res.headers.get("retry-after"));
    this.limiter.penalise(after > 0 ? after * 1000 : undefined);
  }

  private async ensureSession(): Promise<void> {
    if (this.cookie) return;
    this.login ??= this.logIn();
    try {
      await this.login;
    } catch (err) {
      this.login = undefined;
      throw err;
    }
  }

  private async logIn(): Promise<void> {
    const auth = this.config.auth as { username: string; password: string };
    const form = new URLSearchParams({
      username: auth.username,
      password: auth.password,
      keeplogged: "1",
      login: "Login",
    });
    const res = await this.send(this.url("login.php", {}), "login", false, form);
    const cookies = res.headers.getSetCookie().map((c) => c.split(";")[0]!.trim());
    await res.arrayBuffer();
    if (res.status < 300 || res.status >= 400 || cookies.length === 0)
      throw new GazelleError(
        this.site,
        "auth",
        `login as ${auth.username} failed (HTTP ${res.status}, no session cookie)`,
        res.status,
      );
    this.cookie = cookies.join("; ");
  }

  private read<T>(reader: (r: unknown) => T, body: unknown): T {
    try {
      return reader(body);
    } catch (err) {
      if (err instanceof ShapeError) throw new GazelleError(this.site, "response", err.message, 200, err);
      throw err;
    }
  }

  /** One HTTP request inside a limiter slot; network failures become GazelleError("network"). */
  private send(url: URL, what: string, withAuth: boolean, form?: URLSearchParams): Promise<Response> {
    const headers: Record<string, string> = { "User-Agent": USER_AGENT, Accept: "application/json" };
    if (withAuth && "api_key" in this.config.auth)
      headers.Authorization =
        this.config.auth.style === "bare" ? this.config.auth.api_key : `token ${this.config.auth.api_key}`;
    if (this.cookie) headers.Cookie = this.cookie;
    return this.limiter.run(async () => {
      try {
        return await this.fetch(url, {
          method: form ? "POST" : "GET",
          headers,
          redirect: "manual",
          signal: AbortSignal.timeout(this.timeoutMs),
          ...(form ? { body: form } : {}),
        });
      } catch (err) {
        const why =
          (err as Error).name === "TimeoutError" ? `no answer in ${this.timeoutMs} ms` : (err as Error).message;
        // Not `err` itself as the cause: Bun puts the whole URL in its `path`, and a
        // passkey download's URL carries the passkey, which must never reach a log.
        const code = (err as { code?: unknown }).code;
        const cause = Object.assign(new Error(why), typeof code === "string" ? { code } : {});
        throw new GazelleError(this.site, "network", `${what}: ${why}`, undefined, cause);
      }
    });
  }

  private url(path: string, params: Record<string, string>): URL {
    const url = new URL(path, this.base);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return url;
  }
}

function hashOf(secret: string): string {
  return new Bun.CryptoHasher("sha256").update(secret).digest("hex").slice(0, 12);
}
