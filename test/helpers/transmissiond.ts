// A real transmission-daemon (Debian's package, 3.00) for integration tests: its own
// config directory in a temp dir, RPC on a free loopback port with basic auth on, peers
// on loopback only, DHT, LPD, uTP and port mapping off (reference/test-services.md).

import { mkdirSync } from "node:fs";
import { waitFor } from "./wait.ts";

export const HAVE_TRANSMISSION = Bun.which("transmission-daemon") !== null;
export const NO_TRANSMISSION_REASON = "transmission-daemon is not installed (apt-get install transmission-daemon)";

export interface Transmissiond extends AsyncDisposable {
  /** The RPC endpoint: http://127.0.0.1:PORT/transmission/rpc */
  url: string;
  username: string;
  password: string;
  download: string;
  /** One RPC call with the session-id handshake; the response's `arguments`. */
  rpc(method: string, args?: Record<string, unknown>): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

export async function startTransmission(home: string): Promise<Transmissiond> {
  const download = `${home}/download`;
  const cfg = `${home}/cfg`;
  mkdirSync(download, { recursive: true });
  mkdirSync(cfg, { recursive: true });
  const [port, peerPort] = [freePort(), freePort()];
  const username = "seed";
  const password = "p4ss:wörd";
  const proc = Bun.spawn(
    [
      "transmission-daemon",
      "--foreground",
      "--config-dir",
      cfg,
      "--rpc-bind-address",
      "127.0.0.1",
      "-p",
      String(port),
      "--auth",
      "--username",
      username,
      "--password",
      password,
      "--download-dir",
      download,
      "--no-incomplete-dir",
      "--no-watch-dir",
      "--peerport",
      String(peerPort),
      "--bind-address-ipv4",
      "127.0.0.1",
      "--no-dht",
      "--no-lpd",
      "--no-utp",
      "--no-portmap",
      "--log-error",
    ],
    {
      env: { HOME: home, PATH: process.env.PATH ?? "/usr/bin:/bin" },
      stdin: "ignore",
      stdout: "ignore",
      stderr: "pipe",
    },
  );
  const url = `http://127.0.0.1:${port}/transmission/rpc`;
  const auth = `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
  let session = "";
  const rpc = async (method: string, args: Record<string, unknown> = {}) => {
    for (;;) {
      const r = await fetch(url, {
        method: "POST",
        headers: { authorization: auth, "x-transmission-session-id": session },
        body: JSON.stringify({ method, arguments: args }),
      });
      if (r.status === 409) {
        session = r.headers.get("x-transmission-session-id") ?? "";
        continue;
      }
      const body = (await r.json()) as { result: string; arguments: Record<string, unknown> };
      if (body.result !== "success") throw new Error(`${method}: ${body.result}`);
      return body.arguments;
    }
  };
  await waitFor(async () => {
    if (proc.exitCode !== null)
      throw new Error(`transmission-daemon exited ${proc.exitCode}: ${await new Response(proc.stderr).text()}`);
    return rpc("session-get").then(
      () => true,
      () => false,
    );
  }, "transmission-daemon answering RPC");
  const stop = async () => {
    if (proc.exitCode === null) proc.kill("SIGKILL");
    await proc.exited;
  };
  return { url, username, password, download, rpc, stop, [Symbol.asyncDispose]: stop };
}

/** A loopback TCP port nobody listens on right now. */
export function freePort(): number {
  const s = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = s.port;
  s.stop(true);
  return port;
}
