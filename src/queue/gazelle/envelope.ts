// Reading a Gazelle answer in either error style (reference §2.3): OPS answers HTTP 200
// for everything and puts the error in `{"status":"failure","error":…}`; RED adds HTTP
// 400/401/404/429. The result is the response, "missing" (only for the error strings a
// caller names as the site's "no such thing"), RATE_LIMITED, or a thrown GazelleError
// whose reason says what went wrong. Pure: no I/O.

import { GazelleError } from "./errors.ts";

export const RATE_LIMITED = Symbol("rate-limited");

/** What torrent and torrentgroup answer for an id the site does not have. */
export const MISSING_BY_ID = ["bad id parameter", "could not find torrent", "failure"];

export type Answer = { body: unknown; missing: boolean } | typeof RATE_LIMITED;

export function readAnswer(site: string, status: number, body: string, action: string, missing: string[]): Answer {
  if (status === 429) return RATE_LIMITED;
  let json: { status?: unknown; response?: unknown; error?: unknown } | undefined;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  if (typeof json !== "object" || json === null) {
    const what = status >= 500 ? "http" : status === 401 || status === 403 ? "auth" : "response";
    throw new GazelleError(site, what, `${action}: HTTP ${status}, not JSON: ${snippet(body)}`, status);
  }
  if (json.status === "success" && status < 300) return { body: json.response, missing: false };
  const error = typeof json.error === "string" ? json.error : `status ${JSON.stringify(json.status)}`;
  if (/rate limit exceeded/i.test(error)) return RATE_LIMITED;
  if (status === 401 || status === 403 || AUTH_ERRORS.has(error.toLowerCase()))
    throw new GazelleError(site, "auth", `${action}: ${error}`, status);
  if (status >= 500) throw new GazelleError(site, "http", `${action}: HTTP ${status}: ${error}`, status);
  if (json.status === "failure" && (missing.includes(error) || (status === 404 && missing.length > 0)))
    return { body: undefined, missing: true };
  throw new GazelleError(site, "tracker", `${action}: ${error}`, status);
}

/** A redirect to the login page: the session ended (or never began). */
export function isLoginRedirect(res: Response): boolean {
  return res.status >= 300 && res.status < 400 && /login\.php/.test(res.headers.get("location") ?? "");
}

// --- internal ---

const AUTH_ERRORS = new Set([
  "invalid token",
  "this page requires an api token",
  "this page is limited to api key usage only.",
]);

function snippet(body: string): string {
  const s = body.replace(/\s+/g, " ").trim();
  return JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s);
}
