// A route: method, path pattern (":name" captures a segment), whether it changes the
// queue (read-only tokens may not), and its handler.

import type { TokenRecord } from "../model.ts";
import type { QueueStore } from "../store.ts";
import type { Metrics } from "./metrics.ts";

export interface Ctx {
  req: Request;
  url: URL;
  params: Record<string, string>;
  who: TokenRecord;
  store: QueueStore;
  metrics: Metrics;
}

export interface Route {
  methods: string[];
  path: string;
  /** Leases, submits, cache writes: refused to read-only tokens. */
  write: boolean;
  handle(c: Ctx): Promise<Response>;
}

export function route(methods: string | string[], path: string, write: boolean, handle: Route["handle"]): Route {
  return { methods: typeof methods === "string" ? [methods] : methods, path, write, handle };
}

export interface Match {
  route: Route;
  params: Record<string, string>;
}

/** The route for a path, or the methods it allows (for 405), or nothing (404). */
export function match(routes: Route[], method: string, pathname: string): Match | { allow: string[] } | undefined {
  const parts = pathname.split("/").filter(Boolean);
  const allow: string[] = [];
  for (const r of routes) {
    const params = capture(r.path, parts);
    if (!params) continue;
    if (r.methods.includes(method) || (method === "HEAD" && r.methods.includes("GET"))) return { route: r, params };
    allow.push(...r.methods);
  }
  return allow.length ? { allow } : undefined;
}

// --- internal ---

function capture(pattern: string, parts: string[]): Record<string, string> | undefined {
  const want = pattern.split("/").filter(Boolean);
  if (want.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, w] of want.entries()) {
    const got = parts[i]!;
    if (w.startsWith(":")) {
      try {
        params[w.slice(1)] = decodeURIComponent(got);
      } catch {
        return undefined;
      }
    } else if (w !== got) return undefined;
  }
  return params;
}
