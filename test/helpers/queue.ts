// A running `seedwatch queue serve` (the compiled binary) on a loopback port of its own
// choosing, with a token to call it; and a client for its API.

import { BIN, Running, runBin } from "./bin.ts";

export interface Coordinator extends AsyncDisposable {
  run: Running;
  url: string;
  token: string;
  /** fetch with the token as Bearer; JSON bodies stringified. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  json<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
}

/** `seedwatch queue --db DB …` to completion, failing loudly. */
export function queueCli(db: string, args: string[], env: Record<string, string> = {}) {
  return runBin(["queue", ...args, "--db", db], { env });
}

export function addToken(db: string, name: string, readOnly = false): string {
  const r = queueCli(db, ["token", "add", name, ...(readOnly ? ["--read-only"] : [])]);
  if (r.code !== 0) throw new Error(`token add failed: ${r.stderr}`);
  return r.stdout.trim();
}

export async function startCoordinator(db: string, extra: string[] = [], token?: string): Promise<Coordinator> {
  const tok = token ?? addToken(db, `t${Math.random().toString(36).slice(2, 8)}`);
  const run = new Running(["queue", "serve", "--db", db, "--listen", "127.0.0.1:0", ...extra]);
  const line = await run.waitStderr(/serving (http:\/\/\S+)/, "queue serve listening", 20_000);
  const url = line.replace(/^serving /, "");
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(url + path, {
      method,
      headers: {
        authorization: `Bearer ${tok}`,
        ...(body !== undefined && typeof body !== "string" ? { "content-type": "application/json" } : {}),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
  return {
    run,
    url,
    token: tok,
    call,
    async json<T>(method: string, path: string, body?: unknown): Promise<T> {
      const r = await call(method, path, body);
      const text = await r.text();
      if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
      return JSON.parse(text) as T;
    },
    async [Symbol.asyncDispose]() {
      await run[Symbol.asyncDispose]();
    },
  };
}

export { BIN };
