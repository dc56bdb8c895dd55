// Gazelle answers in both error styles read into one result: the response, the site's
// own "no such thing", a rate limit, or an error with a reason (never "missing").

import { expect, test } from "bun:test";
import { MISSING_BY_ID, RATE_LIMITED, readAnswer } from "../../../src/queue/gazelle/envelope.ts";
import { GazelleError } from "../../../src/queue/gazelle/errors.ts";

const ops = (error: string) => JSON.stringify({ status: "failure", response: [], error });
const red = (error: string) => JSON.stringify({ status: "failure", error });

function reason(status: number, body: string, missing: string[] = MISSING_BY_ID): string {
  try {
    const r = readAnswer("s", status, body, "torrent", missing);
    return r === RATE_LIMITED ? "rate-limited" : r.missing ? "missing" : "ok";
  } catch (err) {
    expect(err).toBeInstanceOf(GazelleError);
    return (err as GazelleError).reason;
  }
}

test.each([
  [200, JSON.stringify({ status: "success", response: { id: 1 } }), "ok"],
  [200, ops("Rate limit exceeded"), "rate-limited"],
  [200, ops("rate limit exceeded"), "rate-limited"],
  [429, red("Rate limit exceeded"), "rate-limited"],
  [429, "", "rate-limited"],
  [200, ops("bad id parameter"), "missing"],
  [400, red("bad id parameter"), "missing"],
  [404, red("could not find torrent"), "missing"],
  [200, ops("invalid token"), "auth"],
  [401, red("invalid token"), "auth"],
  [200, ops("This page requires an api token"), "auth"],
  [403, "<h1>Forbidden</h1>", "auth"],
  [200, ops("bad parameters"), "tracker"],
  [400, red("bad parameters"), "tracker"],
  [500, red("bad id parameter"), "http"],
  [502, "<html>Bad Gateway</html>", "http"],
  [200, "<!DOCTYPE html><p>maintenance</p>", "response"],
  [200, "", "response"],
  [200, "null", "response"],
] as const)("HTTP %i %s → %s", (status, body, want) => {
  expect(reason(status, body)).toBe(want);
});

test("'missing' only for the answers the caller names", () => {
  expect(reason(200, ops("bad id parameter"), [])).toBe("tracker");
  expect(reason(404, red("something else"), [])).toBe("tracker");
});

test("a non-JSON answer is quoted, cut short", () => {
  expect(() => readAnswer("ops", 200, `<html>${"x".repeat(200)}</html>`, "browse", [])).toThrow(
    /^ops: browse: HTTP 200, not JSON: "<html>x+…"$/,
  );
});
