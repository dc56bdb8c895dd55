// GazelleError: everything that can go wrong talking to a tracker, with a reason a
// worker can act on. "Not found" is never one of them: a tracker that is down,
// rate-limits us past our retries, rejects our credentials or answers something we
// cannot read throws one of these, so an album is never recorded as missing because of
// a failure (distleech's bug §1.11.3 swallowed every error into "not found").

import { EXIT, SeedError } from "../../errors.ts";

/**
 * - `network`: no answer (refused, reset, DNS, timeout).
 * - `rate-limited`: still limited after the retries.
 * - `auth`: credentials refused, login failed, a page needing a token, a disabled account.
 * - `tracker`: the site answered with a failure envelope we do not read as "missing".
 * - `http`: an unexpected HTTP status (5xx, a proxy's error page).
 * - `response`: an answer we cannot read (not JSON, missing fields).
 * - `torrent-file`: a download that is not a valid .torrent (content type, bencode, info hash).
 */
export type GazelleReason = "network" | "rate-limited" | "auth" | "tracker" | "http" | "response" | "torrent-file";

export class GazelleError extends SeedError {
  constructor(
    /** The site's name from the config. */
    readonly site: string,
    readonly reason: GazelleReason,
    message: string,
    /** The HTTP status, when there was an answer. */
    readonly status?: number,
    cause?: unknown,
  ) {
    super(`${site}: ${message}`, {
      code: `gazelle-${reason}`,
      exitCode: EXIT.http,
      ...(HINTS[reason] ? { hint: HINTS[reason] } : {}),
      cause,
    });
  }

  /** Worth trying again later (the task goes back to the queue, not to "not found"). */
  get transient(): boolean {
    return this.reason === "network" || this.reason === "rate-limited" || this.reason === "http";
  }
}

// --- internal ---

const HINTS: Partial<Record<GazelleReason, string>> = {
  auth:
    "check the site's api_key (and whether it wants the OPS 'token' or the RED bare style), " +
    "or username and password",
  "rate-limited": "another program may be using the same account; lower the site's rate_limit",
};
