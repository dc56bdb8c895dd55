// The worker config's validation: every kind of site and seedbox, secrets from the
// environment and files, defaults, and errors that name the field (with "did you mean").

import { describe, expect, test } from "bun:test";
import { ConfigError } from "../../../src/errors.ts";
import { DEFAULT_PREFERENCES } from "../../../src/queue/gazelle/score.ts";
import { defineWorker, resolveWorkerConfig, type SecretReader } from "../../../src/queue/worker-config.ts";

const secrets: SecretReader = {
  env: (name) => ({ OPS_KEY: "ops-key-from-env", COORD: "coord-token" })[name],
  file: (path) => {
    if (path === "/run/keys/red") return "red-key-from-file\n";
    throw new Error("ENOENT: no such file or directory");
  },
};

const good = defineWorker({
  coordinator: { url: "https://queue.example:8080", token: { env: "COORD" } },
  sites: [
    { name: "ops", url: "https://orpheus.network", api_key: { env: "OPS_KEY" } },
    {
      name: "red",
      url: "https://redacted.sh",
      api_key: { file: "/run/keys/red" },
      auth_header: "bare",
      rate_limit: { requests: 10, seconds: 10 },
    },
    { name: "old", url: "https://old.example", username: "me", password: "pw", download: "passkey" },
  ],
  seedboxes: [
    { name: "box", rtorrent: { scgi: "/home/me/.rtorrent.sock" }, directory: "/srv/dl" },
    { name: "tcp", rtorrent: { scgi: "127.0.0.1:5000", session: "/home/me/.session" } },
    {
      name: "tr",
      transmission: { url: "http://127.0.0.1:9091/transmission/rpc", username: "u", password: { env: "OPS_KEY" } },
    },
    { name: "watch", watch_dir: "/srv/watch" },
  ],
  prefer: { media: ["CD", "WEB"], cue: "require" },
});

function error(raw: unknown): ConfigError {
  try {
    resolveWorkerConfig(raw, secrets);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

/** `good` with one change at `path` (`undefined` deletes the key). */
function edit(path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(good) as unknown as Record<string | number, unknown>;
  let o = copy;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (value === undefined) delete o[last];
  else o[last] = value;
  return copy;
}

describe("a good config", () => {
  test("resolves secrets, fills defaults, keeps each kind", () => {
    const c = resolveWorkerConfig(good, secrets);
    expect(c.coordinator).toEqual({ url: "https://queue.example:8080", token: "coord-token" });
    expect(c.sites).toEqual([
      { name: "ops", url: "https://orpheus.network", auth: { api_key: "ops-key-from-env", style: "token" } },
      {
        name: "red",
        url: "https://redacted.sh",
        auth: { api_key: "red-key-from-file", style: "bare" },
        rate_limit: { requests: 10, windowMs: 10_000 },
      },
      { name: "old", url: "https://old.example", auth: { username: "me", password: "pw" }, download: "passkey" },
    ]);
    expect(c.seedboxes.map((s) => s.kind)).toEqual(["rtorrent", "rtorrent", "transmission", "watch"]);
    expect(c.seedboxes[2]).toMatchObject({ password: "ops-key-from-env", directory: undefined });
    expect(c.prefer).toEqual({ ...DEFAULT_PREFERENCES, media: ["CD", "WEB"], cue: "require" });
  });

  test("an rtorrent seedbox's session gives it an index (its database: index_db, or the default)", () => {
    expect(resolveWorkerConfig(good, secrets).seedboxes.slice(0, 2)).toEqual([
      { name: "box", kind: "rtorrent", scgi: "/home/me/.rtorrent.sock", directory: "/srv/dl" },
      {
        name: "tcp",
        kind: "rtorrent",
        scgi: "127.0.0.1:5000",
        directory: undefined,
        index: { session: "/home/me/.session", db: undefined },
      },
    ]);
    const withDb = edit(["seedboxes", 1, "rtorrent", "index_db"], "/var/lib/sw/idx.db");
    expect(resolveWorkerConfig(withDb, secrets).seedboxes[1]).toMatchObject({
      index: { session: "/home/me/.session", db: "/var/lib/sw/idx.db" },
    });
  });

  test("without prefer, distleech's defaults", () => {
    expect(resolveWorkerConfig(edit(["prefer"], undefined), secrets).prefer).toEqual({ ...DEFAULT_PREFERENCES });
  });
});

describe("errors name the field", () => {
  test.each([
    [["sites", 0, "api_kye"], "x", "sites[0]", 'unknown key "api_kye"', "did you mean api_key?"],
    [["sites", 1, "rate_limit", "seconds"], 0, "sites[1].rate_limit.seconds", "above 0", undefined],
    [["sites", 1, "rate_limit", "requests"], 2.5, "sites[1].rate_limit.requests", "whole number", undefined],
    [["sites", 1, "rate_limit", "second"], 1, "sites[1].rate_limit", 'unknown key "second"', "did you mean seconds?"],
    [["sites", 1, "auth_header"], "bearer", "sites[1].auth_header", 'must be "token" or "bare"', undefined],
    [["sites", 0, "api_key"], { env: "MISSING" }, "sites[0].api_key", "MISSING is not set", undefined],
    [["sites", 1, "api_key"], { file: "/nope" }, "sites[1].api_key", "cannot read /nope", undefined],
    [["sites", 0, "url"], "orpheus.network", "sites[0].url", "is not a URL", undefined],
    [["sites", 2, "name"], "ops", "sites[2].name", 'the name "ops" is used twice', undefined],
    [
      ["seedboxes", 0, "rtorrent", "scgi"],
      "localhost",
      "seedboxes[0].rtorrent.scgi",
      "socket path or HOST:PORT",
      undefined,
    ],
    [["seedboxes", 1, "rtorrent", "session"], ".session", "seedboxes[1].rtorrent.session", "absolute path", undefined],
    [
      ["seedboxes", 0, "rtorrent", "index_db"],
      "/x.db",
      "seedboxes[0].rtorrent.index_db",
      "only with session",
      undefined,
    ],
    [
      ["seedboxes", 1, "rtorrent", "sesion"],
      "/s",
      "seedboxes[1].rtorrent",
      'unknown key "sesion"',
      "did you mean session?",
    ],
    [["seedboxes", 3, "watch_dir"], "relative/dir", "seedboxes[3].watch_dir", "absolute path", undefined],
    [["coordinator", "tokn"], "x", "coordinator", 'unknown key "tokn"', "did you mean token?"],
    [["prefer", "cue"], "always", "prefer.cue", "must be", undefined],
    [["prefer", "format"], ["FLAC"], "prefer", 'unknown key "format"', "did you mean formats?"],
    [["prefer", "media"], [], "prefer.media", "non-empty list", undefined],
  ] as const)("%p = %p", (path, value, field, message, hint) => {
    const e = error(edit([...path], value));
    expect(e.field).toBe(field);
    expect(e.message).toContain(message);
    if (hint) expect(e.hint).toBe(hint);
  });

  test("a site with both a key and a login, or neither", () => {
    expect(error(edit(["sites", 0, "username"], "me")).message).toContain("has both api_key and username/password");
    expect(error(edit(["sites", 0, "api_key"], undefined)).message).toContain(
      "needs api_key, or username and password",
    );
  });

  test("a seedbox of no known kind suggests the nearest", () => {
    const e = error(edit(["seedboxes", 0], { name: "x", rtorent: { scgi: "/s" } }));
    expect(e.field).toBe("seedboxes[0]");
    expect(e.hint).toBe("did you mean rtorrent?");
  });

  test("a top-level typo", () => {
    const e = error({ ...good, seedbox: [] });
    expect(e.hint).toBe("did you mean seedboxes?");
  });
});
