// seedwatch queue serve: the coordinator. Parses, opens the store, and runs the HTTP
// service under the supervisor: SIGINT/SIGTERM drain it (requests in flight are
// answered, then the store closes); a second signal ends it at once.

import { ConfigError } from "../../errors.ts";
import { log } from "../../log.ts";
import { parseDuration } from "../../queue/duration.ts";
import { QueueService } from "../../queue/http/server.ts";
import { DEFAULT_POLICY, type QueuePolicy } from "../../queue/model.ts";
import { realClock } from "../../clock.ts";
import { onSignals, Supervisor } from "../../supervisor/index.ts";
import { InotifyWatcher } from "../../watch/index.ts";
import { defineVerb } from "../args.ts";
import { applyLogArgs, LOG_ARGS } from "../logging-args.ts";
import { wholeNumber } from "../numbers.ts";
import { DB_ARG, openDb, showDb } from "./common.ts";

export default defineVerb({
  name: "queue serve",
  description:
    "Run the queue's coordinator: the /api/v1 API for seedwatch workers, distleech's endpoints for its clients, " +
    "/metrics, and a web page at /",
  args: {
    ...DB_ARG,
    listen: {
      type: "string",
      valueHint: "HOST:PORT",
      default: "127.0.0.1:8080",
      description: "where to listen; loopback unless you say otherwise (port 0: any free port)",
    },
    lease: { type: "string", valueHint: "DURATION", default: "1h", description: "a metadata task's lease" },
    downloadLease: {
      type: "string",
      valueHint: "DURATION",
      default: "14d",
      description: "a download task's lease (distleech's clients never report back, hence long)",
    },
    maxAttempts: {
      type: "string",
      valueHint: "N",
      default: String(DEFAULT_POLICY.maxAttempts),
      description: "leases a task may get before it fails (expired leases and errors count)",
    },
    artistTtl: {
      type: "string",
      valueHint: "DURATION",
      default: "7d",
      description: "how long a cached artist page is fresh",
    },
    ...LOG_ARGS,
  },
  examples: `
EXAMPLES
  seedwatch queue token add seedbox-a        prints a token for a worker
  seedwatch queue serve                      http://127.0.0.1:8080, ~/.local/share/seedwatch/queue.db
  seedwatch queue serve --db postgres://queue@db.lan/queue --listen 0.0.0.0:8080

AUTH
  Every route needs a token: Authorization: Bearer TOKEN, or HTTP Basic with the token's
  name as user and the token as password (distleech clients, and a browser for the page).
  There is no TLS: off loopback, put a TLS proxy in front.

SIGNALS
  SIGINT/SIGTERM: stop listening, answer the requests in flight, close the database, exit 0.
  A second signal closes the connections still open and exits 130 at once.`,
  async run(a) {
    applyLogArgs(a);
    const { hostname, port } = parseListen(a.listen);
    const policy: QueuePolicy = {
      ...DEFAULT_POLICY,
      albumLeaseMs: parseDuration(a.lease, "--lease"),
      downloadLeaseMs: parseDuration(a.downloadLease, "--download-lease"),
      maxAttempts: wholeNumber(a.maxAttempts, "--max-attempts", 1, 10),
      artistTtlMs: parseDuration(a.artistTtl, "--artist-ttl"),
    };
    const store = await openDb(a.db, { policy, serving: true });
    const out = log.withTag("queue");
    if ((await store.listTokens()).length === 0)
      out.warn("no tokens yet: every request will get 401 until you run 'seedwatch queue token add NAME'");
    if (!isLoopback(hostname))
      out.warn(`listening on ${hostname}, beyond loopback: tokens travel in clear without a TLS proxy in front`);
    const service = new QueueService({ store, hostname, port, describeDb: showDb(a.db) });
    const supervisor = new Supervisor({ makeWatcher: (h) => new InotifyWatcher(h), clock: realClock, tag: "queue" });
    try {
      await supervisor.add([service]);
    } catch (err) {
      await store.close();
      throw new ConfigError(
        `cannot listen on ${a.listen}: ${(err as Error).message}`,
        "--listen",
        a.listen,
        "pick another port, or stop what holds this one",
      );
    }
    const stopListening = onSignals({ stop: (why) => supervisor.stop(why) }, process); // SIGHUP: no reload here
    try {
      return await supervisor.run();
    } finally {
      stopListening();
    }
  },
});

// --- internal ---

function parseListen(text: string): { hostname: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text);
  const port = Number(m?.[3]);
  if (!m || port > 65535)
    throw new ConfigError(
      `not HOST:PORT: ${JSON.stringify(text)}`,
      "--listen",
      text,
      "for example 127.0.0.1:8080, [::1]:8080, or 127.0.0.1:0",
    );
  return { hostname: m[1] ?? (m[2] || "127.0.0.1"), port };
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host.startsWith("127.");
}
