// The Gazelle client against the fake tracker on loopback: auth in each site style,
// entity-decoded names, the shapes that vary between sites, the User-Agent.

import { afterEach, describe, expect, test } from "bun:test";
import { type GazelleSite, HttpGazelle, USER_AGENT } from "../../../src/queue/gazelle/client.ts";
import { GazelleError } from "../../../src/queue/gazelle/errors.ts";
import { RateLimiter } from "../../../src/queue/gazelle/rate-limit.ts";
import { DEFAULT_USER, type FakeGazelle, type FakeGazelleOptions, startFakeGazelle } from "../../fakes/gazelle.ts";

const fakes: FakeGazelle[] = [];
afterEach(async () => {
  for (const f of fakes.splice(0)) await f.close();
});

function fake(opts: FakeGazelleOptions = {}): FakeGazelle {
  const f = startFakeGazelle({ rateLimit: { requests: 50, windowMs: 1000 }, ...opts });
  fakes.push(f);
  return f;
}

/** A client with a limiter of its own, so tests do not share the process-wide one. */
function client(f: FakeGazelle, auth: GazelleSite["auth"], extra: Partial<GazelleSite> = {}): HttpGazelle {
  return new HttpGazelle(
    { name: "fake", url: f.url, auth, ...extra },
    { limiter: new RateLimiter({ requests: 50, windowMs: 1000 }), timeoutMs: 5000 },
  );
}

const token = { api_key: DEFAULT_USER.apiKey, style: "token" as const };
const bare = { api_key: DEFAULT_USER.apiKey, style: "bare" as const };
const login = { username: DEFAULT_USER.username, password: DEFAULT_USER.password };

describe("auth", () => {
  for (const style of ["ops", "red"] as const) {
    test(`${style}: an API key as "token KEY" and as the bare key`, async () => {
      const f = fake({ style });
      expect((await client(f, token).account()).passkey).toBe(DEFAULT_USER.passkey);
      expect((await client(f, bare).account()).authkey).toBe(DEFAULT_USER.authkey);
      expect(f.requests.map((r) => r.auth)).toEqual(["token", "bare"]);
    });

    test(`${style}: a login keeps its session cookie and sends auth=<authkey>`, async () => {
      const f = fake({ style });
      const g = client(f, login);
      await g.browse({ artistname: "Logistics" });
      await g.artist("Logistics");
      expect(f.requests.map((r) => `${r.path} ${r.action ?? ""} ${r.auth ?? ""}`.trim())).toEqual([
        "/login.php",
        "/ajax.php index cookie",
        "/ajax.php browse cookie",
        "/ajax.php artist cookie",
      ]);
    });

    test(`${style}: an expired session logs in again, once`, async () => {
      const f = fake({ style });
      const g = client(f, login);
      await g.browse({ artistname: "Logistics" });
      f.expireSessions();
      expect((await g.browse({ artistname: "Logistics" })).groups.length).toBe(2);
      expect(f.requests.filter((r) => r.path === "/login.php").length).toBe(2);
    });

    test(`${style}: a wrong key or password is an auth error, never "not found"`, async () => {
      const f = fake({ style });
      const wrongKey = client(f, { api_key: "nope", style: "token" });
      const e1 = await wrongKey.artist("Logistics").catch((e) => e);
      expect(e1).toBeInstanceOf(GazelleError);
      expect(e1.reason).toBe("auth");
      expect(e1.message).toContain("invalid token");
      const e2 = await client(f, { username: "alice", password: "wrong" })
        .artist("Logistics")
        .catch((e) => e);
      expect(e2).toBeInstanceOf(GazelleError);
      expect(e2.reason).toBe("auth");
      expect(e2.message).toContain("login as alice failed");
    });
  }

  test("the User-Agent names seedwatch, never a refused client's", async () => {
    const f = fake();
    await client(f, token).account();
    await client(f, login).account();
    for (const r of f.requests) {
      expect(r.userAgent).toBe(USER_AGENT);
      expect(r.userAgent).toMatch(/^seedwatch\//);
      expect(r.userAgent).not.toMatch(/^(python-requests|Python-urllib|BTWebClient|uTorrent)/i);
    }
  });
});

describe("names and shapes", () => {
  for (const style of ["ops", "red"] as const) {
    test(`${style}: every name is entity-decoded`, async () => {
      const g = client(fake({ style }), token);
      const page = await g.browse({ artistname: "Simon Garfunkel" });
      expect(page.groups.map((x) => x.artists)).toEqual([["Simon & Garfunkel"]]);
      expect(page.groups[0]!.torrents[0]!.edition).toMatchObject({ title: "Remastered & Expanded", year: 2001 });
      const artist = await g.artist("Björk");
      expect(artist?.name).toBe("Björk");
      const sigur = await g.artist("sigur rós");
      expect(sigur?.groups[0]?.name).toBe("Ágætis byrjun");
      const detail = (await g.torrent(3051))!;
      expect(detail.torrent.filePath).toBe("Sigur Rós - Ágætis byrjun");
      expect(detail.torrent.files).toEqual([
        { name: "01 - Intro.flac", size: 3 * 1024 * 1024 },
        { name: "02 - Svéfn-g-englar.flac", size: 50 * 1024 * 1024 },
      ]);
      expect((await g.torrentGroup(2001))?.name).toBe("You've Never Seen Everything");
    });
  }

  test("a single-file torrent has an empty filePath and one file", async () => {
    const d = (await client(fake(), token).torrent(959473))!;
    expect(d.torrent.filePath).toBe("");
    expect(d.torrent.files).toEqual([{ name: "Logistics - Toytown.flac", size: 43 * 1024 * 1024 }]);
  });

  test("groupTime as epoch seconds or a datetime, releaseType as a name or an int: read the same", async () => {
    const read = async (o: FakeGazelleOptions) =>
      (await client(fake(o), token).browse({ groupname: "Fear Not" })).groups[0];
    const a = await read({ style: "red", groupTime: "epoch", browseReleaseType: "name" });
    const b = await read({ style: "ops", groupTime: "datetime", browseReleaseType: "int" });
    expect(a).toEqual(b!);
    expect(a?.time).toBe(1339118400);
    expect(a?.releaseType).toBe("Album");
  });

  test("artist pages: int releaseType, per-group `torrent` list", async () => {
    const a = (await client(fake({ style: "red" }), bare).artist("logistics"))!;
    expect(a.groups.map((x) => [x.name, x.releaseType, x.torrents.map((t) => t.id)])).toEqual([
      ["Fear Not", "Album", [29991962]],
      ["Jungle Music / Toytown", "Single", [959473]],
    ]);
  });

  test("OPS shows infoHash only when told to, lower-case; it is read upper-case", async () => {
    expect((await client(fake({ style: "ops" }), token).torrent(3001))?.torrent.infoHash).toBeUndefined();
    const f = fake({ style: "ops", infoHashVisible: true });
    const d = await client(f, token).torrent(3001);
    expect(d?.torrent.infoHash).toBe(f.torrentFile(3001).infoHash);
  });

  test("the site's own 'no such thing' answers are undefined, in both styles", async () => {
    for (const style of ["ops", "red"] as const) {
      const g = client(fake({ style }), token);
      expect(await g.artist("Nobody At All")).toBeUndefined();
      expect(await g.torrent(424242)).toBeUndefined();
      expect(await g.torrentGroup(424242)).toBeUndefined();
    }
  });
});
