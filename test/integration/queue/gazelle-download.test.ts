// Downloads from the fake tracker: the token API and the passkey URL, and each check
// (content type, bencode, info hash) failing with a clear error.

import { afterEach, describe, expect, test } from "bun:test";
import { type GazelleSite, HttpGazelle } from "../../../src/queue/gazelle/client.ts";
import { GazelleError } from "../../../src/queue/gazelle/errors.ts";
import { RateLimiter } from "../../../src/queue/gazelle/rate-limit.ts";
import { DEFAULT_USER, type FakeGazelle, type FakeGazelleOptions, startFakeGazelle } from "../../fakes/gazelle.ts";

const fakes: FakeGazelle[] = [];
afterEach(async () => {
  for (const f of fakes.splice(0)) await f.close();
});

function rig(opts: FakeGazelleOptions = {}, auth?: GazelleSite["auth"], extra: Partial<GazelleSite> = {}) {
  const f = startFakeGazelle({ rateLimit: { requests: 50, windowMs: 1000 }, ...opts });
  fakes.push(f);
  const g = new HttpGazelle(
    { name: "fake", url: f.url, auth: auth ?? { api_key: DEFAULT_USER.apiKey, style: "token" }, ...extra },
    { limiter: new RateLimiter({ requests: 50, windowMs: 1000 }) },
  );
  return { f, g };
}

async function failure(p: Promise<unknown>): Promise<GazelleError> {
  const err = await p.then(
    () => undefined,
    (e) => e,
  );
  expect(err).toBeInstanceOf(GazelleError);
  return err as GazelleError;
}

describe("download", () => {
  for (const style of ["ops", "red"] as const)
    test(`${style}: the token API gives the site's file, its hash checked`, async () => {
      const { f, g } = rig({ style });
      const file = await g.download(3001, f.torrentFile(3001).infoHash);
      expect(file.infoHash).toBe(f.torrentFile(3001).infoHash);
      expect(file.announce).toBe(`${f.url}/${DEFAULT_USER.passkey}/announce`);
      expect(file.source).toBe(style.toUpperCase());
      expect(file.name).toBe("Bruce Cockburn - You've Never Seen Everything (2003) [FLAC]");
      expect(file.filename).toBe("Bruce Cockburn - You've Never Seen Everything (2003) [FLAC].torrent");
      expect(f.downloads).toEqual([{ id: 3001, user: "alice", via: "api" }]);
    });

  test("a login downloads through the passkey URL (OPS refuses its session on the token API)", async () => {
    const { f, g } = rig({ style: "ops" }, { username: DEFAULT_USER.username, password: DEFAULT_USER.password });
    const file = await g.download(959473);
    expect(file.name).toBe("Logistics - Toytown.flac");
    expect(f.downloads).toEqual([{ id: 959473, user: "alice", via: "passkey" }]);
    const api = new HttpGazelle(
      { name: "fake", url: f.url, auth: { username: "alice", password: DEFAULT_USER.password }, download: "api" },
      { limiter: new RateLimiter({ requests: 50, windowMs: 1000 }) },
    );
    const err = await failure(api.download(959473));
    expect(err.reason).toBe("auth");
    expect(err.message).toContain("This page requires an api token");
  });

  test("an API key can use the passkey URL too", async () => {
    const { f, g } = rig({ style: "red" }, { api_key: DEFAULT_USER.apiKey, style: "bare" }, { download: "passkey" });
    expect((await g.download(3022)).infoHash).toBe(f.torrentFile(3022).infoHash);
    expect(f.requests.map((r) => `${r.path} ${r.auth}`)).toEqual(["/ajax.php bare", "/torrents.php passkey"]);
  });

  test("a passkey download that cannot connect: the error names no passkey, not even in its cause", async () => {
    const f = startFakeGazelle({ style: "red", rateLimit: { requests: 50, windowMs: 1000 } });
    fakes.push(f);
    // The account call reaches the fake; the download goes to a port nothing listens on.
    const closed = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
    const dead = `http://127.0.0.1:${closed.port}`;
    closed.stop(true);
    const g = new HttpGazelle(
      { name: "fake", url: f.url, auth: { api_key: DEFAULT_USER.apiKey, style: "bare" }, download: "passkey" },
      {
        limiter: new RateLimiter({ requests: 50, windowMs: 1000 }),
        fetch: ((url: URL | string, init?: RequestInit) =>
          fetch(String(url).includes("torrents.php") ? String(url).replace(f.url, dead) : url, init)) as typeof fetch,
      },
    );
    const err = await failure(g.download(3022));
    expect(err.reason).toBe("network");
    const everything = JSON.stringify({ ...err, message: err.message, cause: { ...(err.cause as object) } });
    expect(everything).toContain("ECONNREFUSED");
    expect(everything).not.toContain(DEFAULT_USER.passkey);
    expect(Bun.inspect(err)).not.toContain(DEFAULT_USER.passkey);
  });

  test("served as text/html: a clear content-type error", async () => {
    const { f, g } = rig();
    f.downloadFault = "text/html";
    const err = await failure(g.download(3001));
    expect(err.reason).toBe("torrent-file");
    expect(err.message).toContain("text/html; charset=utf-8, not application/x-bittorrent");
  });

  test("broken bencode: a clear error with the byte offset", async () => {
    const { f, g } = rig();
    f.downloadFault = "bad-bencode";
    const err = await failure(g.download(3001));
    expect(err.reason).toBe("torrent-file");
    expect(err.message).toMatch(/torrent 3001: not a valid \.torrent \(bencode: .* at byte \d+\)/);
  });

  test("a different info hash than the metadata's: refused", async () => {
    const { g } = rig();
    const err = await failure(g.download(3001, "ab".repeat(20)));
    expect(err.reason).toBe("torrent-file");
    expect(err.message).toContain(`the site's metadata says ${"AB".repeat(20)}`);
  });

  test("a disabled account gets 403: an auth error", async () => {
    const { g } = rig({ users: [{ ...DEFAULT_USER, disabled: true }] });
    const err = await failure(g.download(3001));
    expect(err.reason).toBe("auth");
    expect(err.status).toBe(403);
  });

  test("an unknown torrent is the site's error, and id 0 is never asked for", async () => {
    const { f, g } = rig({ style: "red" });
    const err = await failure(g.download(4242));
    expect(err.reason).toBe("tracker");
    expect(err.message).toContain("could not find torrent");
    const zero = await failure(g.download(0));
    expect(zero.message).toContain("no torrent id 0");
    expect(f.requests.length).toBe(1);
  });
});
