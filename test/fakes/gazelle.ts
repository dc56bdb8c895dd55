// A fake Gazelle tracker: a real HTTP server on loopback (port 0), built from the
// documented shapes (reference/distleech-gazelle.md §2, §2.10) so the client is tested
// against what OPS and RED send, never shaped to make a test pass.
//
// - Routes: POST /login.php; GET /ajax.php?action=index|browse|artist|torrentgroup|
//   torrent|download; GET /torrents.php?action=download&id=&torrent_pass=.
// - Auth: `Authorization: token KEY` or the bare KEY; or the session cookie from
//   login.php with `auth=<authkey>` on ajax. No auth: 302 to login.php (OPS), 401 (RED).
//   OPS refuses `download` without a token ("This page requires an api token").
// - Styles: "ops" answers HTTP 200 for everything, failures as
//   {"status":"failure","response":[],"error":…}, adds `info`, sends groupId as a string
//   in browse, groupTime as a datetime, OPS-only torrent fields; "red" uses 400/401/404/429,
//   groupTime as epoch seconds, infoHash upper-case.
// - A per-user sliding-window limit on ajax.php; every arrival is logged so
//   `maxInWindow()` tells whether a client ever went over.
// - Faults for "the tracker fails or is down": `fail(n, kind)`.
// Rendering of the JSON bodies is in gazelle-render.ts.

import { decodeHTML } from "entities";
import { type Catalogue, defaultCatalogue, type FakeArtist, type FakeGroup } from "./gazelle-catalogue.ts";
import {
  envelope,
  failureStatus,
  renderArtist,
  renderBrowse,
  renderGroup,
  renderTorrent,
  torrentFileOf,
  type RenderOptions,
} from "./gazelle-render.ts";

export type { Catalogue, FakeArtist, FakeGroup, FakeTorrent } from "./gazelle-catalogue.ts";

export interface FakeUser {
  id: number;
  username: string;
  password: string;
  apiKey: string;
  authkey: string;
  passkey: string;
  disabled?: boolean;
}

export interface FakeGazelleOptions {
  style?: "ops" | "red";
  /** Per user, on ajax.php. Default 5 per 10 s. */
  rateLimit?: { requests: number; windowMs: number };
  /** Default: "datetime" for ops, "epoch" for red. */
  groupTime?: "epoch" | "datetime";
  /** browse's releaseType: a name (what sites send; default) or the int. */
  browseReleaseType?: "name" | "int";
  /** Whether `torrent` shows infoHash (OPS shows it only to snatchers). Default: red yes, ops no. */
  infoHashVisible?: boolean;
  users?: FakeUser[];
  catalogue?: Catalogue;
  /** info.source of the files served. Default "OPS" / "RED". */
  source?: string;
}

export type Fault = "http-500" | "html-502" | "not-json" | "hang";

export interface FakeRequest {
  /** performance.now() at arrival. */
  at: number;
  path: string;
  action: string | undefined;
  user: string | undefined;
  /** How the user was known: token, bare, cookie, passkey. */
  auth: string | undefined;
  userAgent: string;
  status: number;
  limited: boolean;
}

export const DEFAULT_USER: FakeUser = {
  id: 469,
  username: "alice",
  password: "correct horse",
  apiKey: "a1b2c3d4.e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0",
  authkey: "0123456789abcdef0123456789abcdef",
  passkey: "fedcba9876543210fedcba9876543210",
};

export class FakeGazelle {
  readonly style: "ops" | "red";
  readonly users: FakeUser[];
  readonly catalogue: Catalogue;
  readonly rateLimit: { requests: number; windowMs: number };
  readonly requests: FakeRequest[] = [];
  /** Which torrent files were downloaded, by torrent id and user. */
  readonly downloads: { id: number; user: string; via: "api" | "passkey" }[] = [];
  /** What the next download answers instead of the file: served as text/html, or broken bencode. */
  downloadFault: "text/html" | "bad-bencode" | undefined;
  private readonly sessions = new Map<string, FakeUser>();
  private readonly accepted = new Map<string, number[]>();
  private faults: { n: number; kind: Fault }[] = [];
  private readonly hung: (() => void)[] = [];
  private server!: ReturnType<typeof Bun.serve>;
  private readonly render: RenderOptions;

  constructor(opts: FakeGazelleOptions = {}) {
    this.style = opts.style ?? "ops";
    this.users = opts.users ?? [{ ...DEFAULT_USER }];
    this.catalogue = opts.catalogue ?? defaultCatalogue();
    this.rateLimit = opts.rateLimit ?? { requests: 5, windowMs: 10_000 };
    this.render = {
      style: this.style,
      groupTime: opts.groupTime ?? (this.style === "ops" ? "datetime" : "epoch"),
      browseReleaseType: opts.browseReleaseType ?? "name",
      infoHashVisible: opts.infoHashVisible ?? this.style === "red",
      source: opts.source ?? this.style.toUpperCase(),
      announce: () => this.url,
      artist: (id) => this.catalogue.artists.find((a) => a.id === id),
    };
  }

  start(): this {
    this.server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (req) => this.handle(req) });
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.server.port}`;
  }

  async close(): Promise<void> {
    for (const wake of this.hung.splice(0)) wake();
    await this.server.stop(true);
  }

  addArtist(a: FakeArtist): void {
    this.catalogue.artists.push(a);
  }

  addGroup(g: FakeGroup): void {
    this.catalogue.groups.push(g);
  }

  /** The next `n` ajax requests fail this way (a tracker that is down or broken). */
  fail(n: number, kind: Fault): void {
    this.faults.push({ n, kind });
  }

  /** The .torrent the site serves for `id` to `user` (its announce carries the passkey). */
  torrentFile(id: number, user: FakeUser = this.users[0]!): { bytes: Uint8Array; infoHash: string } {
    const found = this.findTorrent(id);
    if (!found) throw new Error(`fake gazelle: no torrent ${id}`);
    return torrentFileOf(found.group, found.torrent, user.passkey, this.render);
  }

  /** The most ajax requests of one user (or of anyone) that arrived within any one window. */
  maxInWindow(username?: string, windowMs = this.rateLimit.windowMs): number {
    const times = this.requests
      .filter((r) => r.path === "/ajax.php" && (username === undefined || r.user === username))
      .map((r) => r.at)
      .sort((a, b) => a - b);
    let best = 0;
    for (let i = 0, j = 0; j < times.length; j++) {
      while (times[j]! - times[i]! >= windowMs) i++;
      best = Math.max(best, j - i + 1);
    }
    return best;
  }

  /** Ajax requests answered "rate limit exceeded". */
  get limited(): number {
    return this.requests.filter((r) => r.limited).length;
  }

  // --- internal ---

  private async handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const entry: FakeRequest = {
      at: performance.now(),
      path: url.pathname,
      action: url.searchParams.get("action") ?? undefined,
      user: undefined,
      auth: undefined,
      userAgent: req.headers.get("user-agent") ?? "",
      status: 0,
      limited: false,
    };
    this.requests.push(entry);
    const res = await this.route(req, url, entry);
    entry.status = res.status;
    return res;
  }

  private async route(req: Request, url: URL, entry: FakeRequest): Promise<Response> {
    if (url.pathname === "/login.php" && req.method === "POST")
      return this.login(new URLSearchParams(await req.text()));
    if (url.pathname === "/torrents.php" && url.searchParams.get("action") === "download")
      return this.passkeyDownload(url, entry);
    if (url.pathname !== "/ajax.php") return html(404, "<h1>Not found</h1>");
    const fault = this.faults[0];
    if (fault) {
      if (--fault.n <= 0) this.faults.shift();
      return this.faulty(fault.kind);
    }
    const who = this.authenticate(req);
    if (who === "no-auth")
      return this.style === "ops"
        ? new Response(null, { status: 302, headers: { Location: "login.php" } })
        : this.failure("not logged in", 401);
    if (who === "bad-token") return this.failure("invalid token", 401);
    entry.user = who.user.username;
    entry.auth = who.via;
    if (!this.admit(who.user.username, entry.at)) {
      entry.limited = true;
      return this.failure("Rate limit exceeded", 429);
    }
    if (who.via === "cookie" && entry.action !== "index" && url.searchParams.get("auth") !== who.user.authkey)
      return this.failure("bad parameters", 400);
    return this.action(url, who.user, who.via);
  }

  private action(url: URL, user: FakeUser, via: string): Response {
    const p = url.searchParams;
    const id = Number(p.get("id"));
    switch (p.get("action")) {
      case "index":
        return this.success({
          username: user.username,
          id: user.id,
          authkey: user.authkey,
          passkey: user.passkey,
          notifications: { messages: 0, notifications: 0, newAnnouncement: false, newBlog: false },
          userstats: {
            uploaded: 585564424629,
            downloaded: 177461229738,
            ratio: 3.29,
            requiredratio: 0.6,
            class: "VIP",
          },
        });
      case "browse":
        return this.success(renderBrowse(this.catalogue, p, this.render));
      case "artist": {
        if (p.get("id") && p.get("artistname")) return this.failure("bad parameters", 400);
        const wanted = (p.get("artistname") ?? "").trim().toLowerCase();
        const a = this.catalogue.artists.find((x) =>
          p.get("id") ? x.id === id : x.name.toLowerCase() === wanted || decodeHTML(x.name).toLowerCase() === wanted,
        );
        if (!a) return this.failure("failure", 404);
        return this.success(renderArtist(a, this.catalogue, this.render));
      }
      case "torrentgroup": {
        const g = this.catalogue.groups.find((x) => x.id === id);
        return g ? this.success(renderGroup(g, this.render)) : this.failure("bad id parameter", 400);
      }
      case "torrent": {
        const hash = p.get("hash")?.toUpperCase();
        const found = hash ? this.findByHash(hash) : this.findTorrent(id);
        return found
          ? this.success(renderTorrent(found.group, found.torrent, this.render))
          : this.failure("bad id parameter", 400);
      }
      case "download":
        if (this.style === "ops" && via === "cookie") return this.failure("This page requires an api token", 401);
        return this.serveFile(id, user, "api");
      default:
        return this.failure("bad parameters", 400);
    }
  }

  private login(form: URLSearchParams): Response {
    const user = this.users.find((u) => u.username === form.get("username") && u.password === form.get("password"));
    if (!user) return html(200, "<form action='login.php'>Your username or password was incorrect.</form>");
    const session = crypto.randomUUID().replaceAll("-", "");
    this.sessions.set(session, user);
    return new Response(null, {
      status: 302,
      headers: { Location: "index.php", "Set-Cookie": `session=${session}; path=/; HttpOnly; SameSite=Lax` },
    });
  }

  /** Forget every session: the next cookie request is sent to login.php. */
  expireSessions(): void {
    this.sessions.clear();
  }

  private authenticate(req: Request): { user: FakeUser; via: string } | "no-auth" | "bad-token" {
    const header = req.headers.get("authorization");
    if (header) {
      const token = /^token\s+(.+)$/i.exec(header.trim());
      const key = token ? token[1]! : header.trim();
      const user = this.users.find((u) => u.apiKey === key);
      return user ? { user, via: token ? "token" : "bare" } : "bad-token";
    }
    const session = /(?:^|;\s*)session=([^;]+)/.exec(req.headers.get("cookie") ?? "")?.[1];
    const user = session ? this.sessions.get(session) : undefined;
    return user ? { user, via: "cookie" } : "no-auth";
  }

  private admit(user: string, now: number): boolean {
    const times = (this.accepted.get(user) ?? []).filter((t) => now - t < this.rateLimit.windowMs);
    const ok = times.length < this.rateLimit.requests;
    if (ok) times.push(now);
    this.accepted.set(user, times);
    return ok;
  }

  private passkeyDownload(url: URL, entry: FakeRequest): Response {
    const user = this.users.find((u) => u.passkey === url.searchParams.get("torrent_pass"));
    if (!user) return html(403, "<h1>403 Forbidden</h1>");
    entry.user = user.username;
    entry.auth = "passkey";
    return this.serveFile(Number(url.searchParams.get("id")), user, "passkey");
  }

  private serveFile(id: number, user: FakeUser, via: "api" | "passkey"): Response {
    if (user.disabled) return html(403, "<h1>403 Forbidden</h1><p>Your account is disabled.</p>");
    const found = this.findTorrent(id);
    if (!found) return via === "api" ? this.failure("could not find torrent", 404) : html(404, "<h1>Not found</h1>");
    this.downloads.push({ id, user: user.username, via });
    const fault = this.downloadFault;
    this.downloadFault = undefined;
    if (fault === "text/html") return html(200, "<html><body>Please log in</body></html>");
    const { bytes } = this.torrentFile(id, user);
    const body = fault === "bad-bencode" ? bytes.subarray(0, bytes.length - 7) : bytes;
    const name = `${decodeHTML(found.torrent.filePath || found.torrent.files[0]![0]).replace(/"/g, "")}.torrent`;
    return new Response(body, {
      headers: {
        "Content-Type": "application/x-bittorrent; charset=utf-8",
        "Content-Disposition": `attachment; filename="${name}"`,
      },
    });
  }

  private findTorrent(id: number) {
    for (const group of this.catalogue.groups)
      for (const torrent of group.torrents) if (torrent.id === id) return { group, torrent };
    return undefined;
  }

  private findByHash(hash: string) {
    for (const group of this.catalogue.groups)
      for (const torrent of group.torrents)
        if (torrentFileOf(group, torrent, "", this.render).infoHash === hash) return { group, torrent };
    return undefined;
  }

  private success(response: unknown): Response {
    return Response.json(envelope(this.style, response));
  }

  /** A failure envelope: HTTP 200 on OPS; RED's status codes (`redStatus` is the documented one). */
  private failure(error: string, redStatus: number): Response {
    return Response.json(
      this.style === "ops" ? { status: "failure", response: [], error } : { status: "failure", error },
      { status: this.style === "ops" ? 200 : failureStatus(error, redStatus) },
    );
  }

  private faulty(kind: Fault): Response | Promise<Response> {
    switch (kind) {
      case "http-500":
        return Response.json({ status: "failure", error: "internal error" }, { status: 500 });
      case "html-502":
        return html(502, "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>");
      case "not-json":
        return html(200, "<!DOCTYPE html><html><body>Site maintenance</body></html>");
      case "hang":
        return new Promise((resolve) => this.hung.push(() => resolve(html(503, "closing"))));
    }
  }
}

/** Start a fake tracker on loopback; `await fake.close()` when done. */
export function startFakeGazelle(opts: FakeGazelleOptions = {}): FakeGazelle {
  return new FakeGazelle(opts).start();
}

function html(status: number, body: string): Response {
  return new Response(body, { status, headers: { "Content-Type": "text/html; charset=utf-8" } });
}
