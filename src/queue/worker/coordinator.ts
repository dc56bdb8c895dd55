// The worker's side of the coordinator's /api/v1: one method per route, the token as
// Bearer, JSON both ways. A refusal (4xx/5xx) or no answer at all is a CoordinatorError
// with the route and the coordinator's own error text; the token is never in a message.

import { HttpError } from "../../errors.ts";
import { USER_AGENT } from "../gazelle/client.ts";
import type {
  AlbumLease,
  CacheEntry,
  CacheKind,
  Download,
  DownloadLease,
  GiveBack,
  HandOff,
  LeaseRef,
  Outcome,
  Page,
  SiteResult,
} from "../model.ts";

export class CoordinatorError extends HttpError {
  constructor(
    message: string,
    status: number,
    /** No answer at all (refused, reset, timeout): worth trying again later. */
    readonly unreachable = false,
  ) {
    super(
      message,
      status,
      status === 401 || status === 403
        ? "check coordinator.token in the worker config " +
            "('seedwatch queue token add NAME' on the coordinator prints one)"
        : unreachable
          ? "is 'seedwatch queue serve' running there? check coordinator.url in the worker config"
          : undefined,
    );
  }
}

export interface CoordinatorOptions {
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export class CoordinatorClient {
  private readonly base: string;
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;

  constructor(
    url: string,
    private readonly token: string,
    opts: CoordinatorOptions = {},
  ) {
    this.base = url.replace(/\/+$/, "");
    this.fetch = opts.fetch ?? fetch;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  get url(): string {
    return this.base;
  }

  async whoami(): Promise<{ name: string; readOnly: boolean }> {
    return this.call("GET", "/api/v1/whoami");
  }

  async leaseAlbums(n: number): Promise<AlbumLease[]> {
    return (await this.call<{ leases: AlbumLease[] }>("POST", "/api/v1/albums/lease", { n })).leases;
  }

  extendAlbums(leases: LeaseRef[]): Promise<Outcome[]> {
    return this.results("/api/v1/albums/extend", { leases });
  }

  giveBackAlbums(items: GiveBack[]): Promise<Outcome[]> {
    return this.results("/api/v1/albums/give-back", { items });
  }

  submitAlbums(results: (LeaseRef & { sites: SiteResult[] })[]): Promise<Outcome[]> {
    return this.results("/api/v1/albums/submit", { results });
  }

  async leaseDownloads(site: string, n: number): Promise<DownloadLease[]> {
    return (await this.call<{ leases: DownloadLease[] }>("POST", "/api/v1/downloads/lease", { site, n })).leases;
  }

  extendDownloads(leases: LeaseRef[]): Promise<Outcome[]> {
    return this.results("/api/v1/downloads/extend", { leases });
  }

  giveBackDownloads(items: GiveBack[]): Promise<Outcome[]> {
    return this.results("/api/v1/downloads/give-back", { items });
  }

  handOff(items: HandOff[]): Promise<Outcome[]> {
    return this.results("/api/v1/downloads/hand-off", { items });
  }

  complete(items: { site: string; siteTorrentId: number; localPath: string }[]): Promise<Outcome[]> {
    return this.results("/api/v1/downloads/complete", { items });
  }

  /** One page of downloads in `state`; pass `next` back as `after`. */
  listDownloads(state: string, after = 0, limit = 500): Promise<Page<Download>> {
    return this.call("GET", `/api/v1/downloads?state=${state}&after=${after}&limit=${limit}`);
  }

  /** A fresh cached page, or undefined (the coordinator answers 404 when it has none). */
  async cacheGet(kind: CacheKind, site: string, key: string): Promise<CacheEntry | undefined> {
    return this.call<CacheEntry | undefined>("GET", cachePath(kind, site, key), undefined, true);
  }

  async cachePut(kind: CacheKind, site: string, key: string, body: unknown): Promise<void> {
    await this.call("PUT", cachePath(kind, site, key), body);
  }

  // --- internal ---

  private async results(path: string, body: unknown): Promise<Outcome[]> {
    return (await this.call<{ results: Outcome[] }>("POST", path, body)).results;
  }

  private async call<T>(method: string, path: string, body?: unknown, missingOk = false): Promise<T> {
    let res: Response;
    try {
      res = await this.fetch(this.base + path, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          "user-agent": USER_AGENT,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      const why = (err as Error).name === "TimeoutError" ? `no answer in ${this.timeoutMs} ms` : (err as Error).message;
      throw new CoordinatorError(`coordinator ${this.base}: ${method} ${path.split("?")[0]}: ${why}`, 0, true);
    }
    const text = await res.text();
    if (missingOk && res.status === 404) return undefined as T;
    if (!res.ok) {
      let why = text.slice(0, 300);
      try {
        why = (JSON.parse(text) as { error?: string }).error ?? why;
      } catch {
        // not JSON: a proxy's page, shown as is
      }
      throw new CoordinatorError(
        `coordinator ${this.base}: ${method} ${path.split("?")[0]}: HTTP ${res.status}: ${why}`,
        res.status,
        res.status >= 500,
      );
    }
    return JSON.parse(text) as T;
  }
}

function cachePath(kind: CacheKind, site: string, key: string): string {
  return `/api/v1/cache/${kind}/${encodeURIComponent(site)}/${encodeURIComponent(key)}`;
}
