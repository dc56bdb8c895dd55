// The coordinator's HTTP server, as a service of the supervisor: start() listens, stop()
// drains (no new connections; requests already in flight are answered; then the store
// closes), endNow() (a second signal) closes the connections still open. It watches no
// files. Every route needs a token; a read-only token may read but not lease, submit or
// write the cache.

import { log } from "../../log.ts";
import type { Service, WatchRequest } from "../../supervisor/index.ts";
import { UnknownTaskError, type Stats } from "../model.ts";
import type { QueueStore } from "../store.ts";
import { apiRoutes } from "./api.ts";
import { Authenticator } from "./auth.ts";
import { legacyRoutes } from "./legacy.ts";
import { Metrics } from "./metrics.ts";
import { PAGE_HTML } from "./page.ts";
import { ApiError, errorResponse, json, MAX_BODY_BYTES } from "./respond.ts";
import { match, route, type Route } from "./route.ts";

const out = log.withTag("queue");

/** A worker's "last seen" is written at most this often. */
const TOUCH_EVERY_MS = 1000;
/** Counting every task by state reads the whole table: pages and scrapers share one count per interval. */
const STATS_EVERY_MS = 1000;

export interface ServeOptions {
  store: QueueStore;
  hostname: string;
  /** 0 picks a free port. */
  port: number;
  /** What the database is, for the start-up line. */
  describeDb: string;
}

export class QueueService implements Service {
  readonly name = "queue";
  readonly metrics = new Metrics();
  private server: ReturnType<typeof Bun.serve> | undefined;
  private inflight = 0;
  private readonly auth: Authenticator;
  private readonly touched = new Map<string, number>();
  private readonly routes: Route[];
  private stopping: Promise<void> | undefined;
  private counted: { at: number; stats: Promise<Stats> } | undefined;
  /** A server does not end by itself. */
  readonly ended = new Promise<number>(() => {});

  constructor(private readonly o: ServeOptions) {
    this.auth = new Authenticator(o.store);
    this.routes = [
      route(
        "GET",
        "/",
        false,
        async () => new Response(PAGE_HTML, { headers: { "content-type": "text/html; charset=utf-8" } }),
      ),
      route("GET", "/stats", false, async () => json(await this.stats())),
      route("GET", "/api/v1/stats", false, async () => json(await this.stats())),
      route(
        "GET",
        "/metrics",
        false,
        async () =>
          new Response(this.metrics.render(await this.stats(), this.inflight), {
            headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" },
          }),
      ),
      ...legacyRoutes,
      ...apiRoutes,
    ];
  }

  /** The URL it listens on (after start). */
  get url(): string {
    return this.server!.url.toString().replace(/\/$/, "");
  }

  watches(): WatchRequest[] {
    return [];
  }

  onEvent(): void {}

  async start(): Promise<void> {
    this.server = Bun.serve({
      hostname: this.o.hostname,
      port: this.o.port,
      // A backstop only: bodyText() refuses past MAX_BODY_BYTES with a JSON answer.
      maxRequestBodySize: MAX_BODY_BYTES * 64,
      fetch: (req) => this.handle(req),
      error: (err) => {
        out.error(`request failed: ${err.stack ?? err.message}`);
        return json({ error: "internal error (a bug; the log has its stack)" }, 500);
      },
    });
    out.info(`serving ${this.url} (${this.o.store.backend} ${this.o.describeDb})`);
  }

  /** Drain: stop listening, answer what is in flight, close the store. Safe to call twice. */
  stop(): Promise<void> {
    return (this.stopping ??= (async () => {
      if (this.server) {
        out.info(`stopping: answering ${this.inflight} request${this.inflight === 1 ? "" : "s"} in flight`);
        await this.server.stop(false);
      }
      await this.o.store.close();
      out.info("stopped");
    })());
  }

  /** The process exits now (a second signal): close the connections still open. */
  endNow(): void {
    out.warn(`stopping now: closing ${this.inflight} request${this.inflight === 1 ? "" : "s"} still in flight`);
    void this.server?.stop(true);
  }

  // --- internal ---

  private stats(): Promise<Stats> {
    const now = performance.now();
    if (!this.counted || now - this.counted.at >= STATS_EVERY_MS) {
      const stats = this.o.store.stats();
      this.counted = { at: now, stats };
      stats.catch(() => (this.counted = undefined));
    }
    return this.counted.stats;
  }

  private async handle(req: Request): Promise<Response> {
    this.inflight++;
    const started = performance.now();
    const url = new URL(req.url);
    let name = "unmatched";
    let res: Response;
    try {
      // Who asks comes first, so an unauthenticated caller learns nothing, not even which paths exist.
      const who = await this.auth.who(req.headers.get("authorization"));
      const m = who ? match(this.routes, req.method, url.pathname) : undefined;
      if (!who) res = unauthorized();
      else if (!m)
        throw new ApiError(404, `no route ${url.pathname}`, "GET / shows the queue; the API is under /api/v1/");
      else if ("allow" in m)
        res = errorResponse(
          new ApiError(405, `${req.method} is not supported on ${url.pathname}`, `use ${m.allow.join(" or ")}`),
          { allow: m.allow.join(", ") },
        );
      else {
        name = m.route.path;
        if (m.route.write && who.readOnly)
          throw new ApiError(
            403,
            `the token "${who.name}" is read-only`,
            "leases and submits need a token made without --read-only",
          );
        if (m.route.write) this.touch(who.name, `${req.method} ${url.pathname}`);
        res = await m.route.handle({ req, url, params: m.params, who, store: this.o.store, metrics: this.metrics });
      }
    } catch (err) {
      if (err instanceof ApiError) res = errorResponse(err);
      else if (err instanceof UnknownTaskError)
        res = errorResponse(
          new ApiError(
            404,
            err.message,
            "nothing was written; list tasks with GET /api/v1/albums or /api/v1/downloads",
          ),
        );
      else {
        out.error(`${req.method} ${url.pathname} failed: ${(err as Error).stack ?? err}`);
        res = json(
          { error: `internal error: ${(err as Error).message}`, hint: "the coordinator's log has the stack" },
          500,
        );
      }
    } finally {
      this.inflight--;
    }
    this.metrics.observe(name, res.status, (performance.now() - started) / 1000);
    return res;
  }

  private touch(name: string, what: string): void {
    const now = Date.now();
    if (now - (this.touched.get(name) ?? 0) < TOUCH_EVERY_MS) return;
    this.touched.set(name, now);
    this.o.store.touchWorker(name, what).catch((err) => out.warn(`cannot note worker ${name}: ${err.message}`));
  }
}

// --- internal ---

function unauthorized(): Response {
  return errorResponse(
    new ApiError(
      401,
      "a token is needed",
      "send Authorization: Bearer TOKEN, or HTTP Basic with the token's name and the token; " +
        "'seedwatch queue token add NAME' makes one",
    ),
    { "www-authenticate": 'Basic realm="seedwatch queue", charset="UTF-8"' },
  );
}
