// Rate limits and failures against the fake tracker: the limit is never exceeded under
// concurrent calls (measured by the tracker), both rate-limit styles are waited out and
// retried, and a tracker that fails, hangs or is down is an error, never "not found".
// Windows are short here (the default stays 5 per 10 s); tests wait on the calls
// themselves, never on a fixed sleep.

import { afterEach, describe, expect, test } from "bun:test";
import { MemoryCache } from "../../../src/queue/gazelle/cache.ts";
import { type GazelleSite, HttpGazelle } from "../../../src/queue/gazelle/client.ts";
import { GazelleError } from "../../../src/queue/gazelle/errors.ts";
import { RateLimiter } from "../../../src/queue/gazelle/rate-limit.ts";
import { AlbumSearch } from "../../../src/queue/gazelle/search.ts";
import { DEFAULT_USER, type FakeGazelle, type FakeGazelleOptions, startFakeGazelle } from "../../fakes/gazelle.ts";

const fakes: FakeGazelle[] = [];
afterEach(async () => {
  for (const f of fakes.splice(0)) await f.close();
});

function fake(opts: FakeGazelleOptions): FakeGazelle {
  const f = startFakeGazelle(opts);
  fakes.push(f);
  return f;
}

const token = { api_key: DEFAULT_USER.apiKey, style: "token" as const };

function site(f: FakeGazelle, extra: Partial<GazelleSite> = {}): GazelleSite {
  return { name: "fake", url: f.url, auth: token, ...extra };
}

describe("the limit", () => {
  test("concurrent work of two clients of one site shares one limit, never exceeded", async () => {
    const limit = { requests: 5, windowMs: 400 };
    const f = fake({ rateLimit: limit });
    // Two clients (two concurrent tasks of one worker) of the same site and account.
    const a = new HttpGazelle(site(f, { rate_limit: limit }));
    const b = new HttpGazelle(site(f, { rate_limit: limit }));
    const calls = Array.from({ length: 16 }, (_, i) => (i % 2 ? a : b).browse({ artistname: "Logistics" }));
    const pages = await Promise.all(calls);
    expect(pages.every((p) => p.groups.length === 2)).toBe(true);
    expect(f.limited).toBe(0);
    expect(f.maxInWindow()).toBeLessThanOrEqual(5);
    expect(f.maxInWindow()).toBe(5); // and it used the whole budget
  });

  for (const style of ["ops", "red"] as const) {
    test(`${style}: "rate limit exceeded" is waited out and retried`, async () => {
      // Someone else spends the same account's budget: the tracker allows 2 per window,
      // this client believes 5.
      const f = fake({ style, rateLimit: { requests: 2, windowMs: 300 } });
      const g = new HttpGazelle(site(f), { limiter: new RateLimiter({ requests: 5, windowMs: 300 }) });
      const pages = await Promise.all(Array.from({ length: 6 }, () => g.browse({ artistname: "Logistics" })));
      expect(pages.map((p) => p.groups.length)).toEqual([2, 2, 2, 2, 2, 2]);
      expect(f.limited).toBeGreaterThan(0);
      const answers = f.requests.filter((r) => r.limited).map((r) => r.status);
      expect(new Set(answers)).toEqual(new Set([style === "ops" ? 200 : 429]));
    });

    test(`${style}: still limited after the retries is "rate-limited", not "not found"`, async () => {
      const f = fake({ style, rateLimit: { requests: 1, windowMs: 60_000 } });
      const g = new HttpGazelle(site(f), {
        limiter: new RateLimiter({ requests: 5, windowMs: 50 }),
        rateLimitRetries: 2,
      });
      await g.artist("Logistics");
      const err = await g.artist("Logistics").catch((e) => e);
      expect(err).toBeInstanceOf(GazelleError);
      expect(err.reason).toBe("rate-limited");
      const search = new AlbumSearch(g, new MemoryCache(), { host: "fake" });
      const e2 = await search.find({ sortArtist: "Logistics", album: "Fear Not" }).catch((e) => e);
      expect(e2).toBeInstanceOf(GazelleError);
      expect(e2.reason).toBe("rate-limited");
    });
  }
});

describe("a tracker that fails is never 'not found'", () => {
  const cases = [
    ["http-500", "http"],
    ["html-502", "http"],
    ["not-json", "response"],
    ["hang", "network"],
  ] as const;
  for (const style of ["ops", "red"] as const)
    for (const [kind, reason] of cases) {
      test(`${style}: ${kind} → ${reason}`, async () => {
        const f = fake({ style });
        const g = new HttpGazelle(site(f), {
          limiter: new RateLimiter({ requests: 50, windowMs: 100 }),
          timeoutMs: 300,
        });
        f.fail(1, kind);
        const err = await g.artist("Nobody At All").catch((e) => e);
        expect(err).toBeInstanceOf(GazelleError);
        expect(err.reason).toBe(reason);
        expect(err.transient).toBe(reason !== "response");
        // The same question answered: a real "no such artist".
        expect(await g.artist("Nobody At All")).toBeUndefined();
        // A search through a failing tracker throws instead of answering "not found".
        f.fail(2, kind);
        const search = new AlbumSearch(g, new MemoryCache(), { host: "fake" });
        await expect(search.find({ sortArtist: "Nobody, Some", album: "Nothing" })).rejects.toBeInstanceOf(
          GazelleError,
        );
      });
    }

  test("a tracker that is down (connection refused) is a network error", async () => {
    const f = fake({});
    const url = f.url;
    await f.close();
    fakes.splice(fakes.indexOf(f), 1);
    const g = new HttpGazelle(
      { name: "down", url, auth: token },
      { limiter: new RateLimiter({ requests: 5, windowMs: 10 }) },
    );
    const err = await g.browse({ artistname: "Logistics" }).catch((e) => e);
    expect(err).toBeInstanceOf(GazelleError);
    expect(err.reason).toBe("network");
    expect(err.message).toStartWith("down: browse:");
    const search = new AlbumSearch(g, new MemoryCache(), { host: "down" });
    await expect(search.find({ sortArtist: "Logistics", album: "Fear Not" })).rejects.toMatchObject({
      reason: "network",
    });
  });
});
