// The fake tracker itself, read with plain fetch: it answers in the documented shapes
// (reference §2), so the client's tests test against what real sites send.

import { afterEach, expect, test } from "bun:test";
import { bdecode, isDict, str } from "../../../src/rtorrent/bdecode.ts";
import { DEFAULT_USER, type FakeGazelle, type FakeGazelleOptions, startFakeGazelle } from "../../fakes/gazelle.ts";

const fakes: FakeGazelle[] = [];
afterEach(async () => {
  for (const f of fakes.splice(0)) await f.close();
});

function fake(opts: FakeGazelleOptions = {}): FakeGazelle {
  const f = startFakeGazelle(opts);
  fakes.push(f);
  return f;
}

const auth = { Authorization: `token ${DEFAULT_USER.apiKey}` };

async function get(f: FakeGazelle, path: string, headers: Record<string, string> = auth) {
  const res = await fetch(`${f.url}/${path}`, { headers, redirect: "manual" });
  const text = await res.text();
  return {
    status: res.status,
    location: res.headers.get("location"),
    json: text.startsWith("{") ? JSON.parse(text) : text,
  };
}

test("OPS: no auth is a 302 to login.php; failures are HTTP 200 with response: []", async () => {
  const f = fake({ style: "ops" });
  expect(await get(f, "ajax.php?action=index", {})).toMatchObject({ status: 302, location: "login.php" });
  expect(await get(f, "ajax.php?action=torrent&id=99")).toEqual({
    status: 200,
    location: null,
    json: { status: "failure", response: [], error: "bad id parameter" },
  });
  const ok = await get(f, "ajax.php?action=index");
  expect(ok.json).toMatchObject({ status: "success", info: { source: "Orpheus", version: 1 } });
});

test("RED: failures carry HTTP status codes, no response field", async () => {
  const f = fake({ style: "red" });
  expect(await get(f, "ajax.php?action=torrent&id=99")).toMatchObject({
    status: 400,
    json: { status: "failure", error: "bad id parameter" },
  });
  expect(await get(f, "ajax.php?action=artist&artistname=nobody")).toMatchObject({
    status: 404,
    json: { error: "failure" },
  });
  expect((await get(f, "ajax.php?action=index", { Authorization: "wrong" })).status).toBe(401);
});

test("per-user sliding window: OPS 200 'Rate limit exceeded', RED 429", async () => {
  for (const style of ["ops", "red"] as const) {
    const f = fake({ style, rateLimit: { requests: 2, windowMs: 60_000 } });
    await get(f, "ajax.php?action=index");
    await get(f, "ajax.php?action=index");
    const third = await get(f, "ajax.php?action=index");
    expect(third.status).toBe(style === "ops" ? 200 : 429);
    expect(third.json).toMatchObject({ status: "failure", error: "Rate limit exceeded" });
    expect(f.maxInWindow()).toBe(3);
    expect(f.limited).toBe(1);
  }
});

test("names stay escaped as Gazelle stores them; fileList and filePath in their encodings", async () => {
  const f = fake({ style: "red" });
  const t = (await get(f, "ajax.php?action=torrent&id=3021")).json.response.torrent;
  expect(t.filePath).toBe("Simon &amp; Garfunkel - Bridge Over Troubled Water (2001 Remaster)");
  expect(t.remasterTitle).toBe("Remastered &amp; Expanded");
  expect(t.fileList).toMatch(/^01 - Track 1\.flac\{\{\{\d+\}\}\}\|\|\|02 - Track 2\.flac\{\{\{\d+\}\}\}/);
  const single = (await get(f, "ajax.php?action=torrent&id=959473")).json.response.torrent;
  expect(single.filePath).toBe("");
  const artist = (await get(f, "ajax.php?action=artist&artistname=Logistics")).json.response;
  expect(artist.torrentgroup[0]).toMatchObject({ groupCategoryID: "1", releaseType: 1 });
  expect(Array.isArray(artist.torrentgroup[0].torrent)).toBe(true);
  const browse = (await get(f, "ajax.php?action=browse&artistname=simon")).json.response;
  expect(browse.results[0]).toMatchObject({
    artist: "Simon &amp; Garfunkel",
    releaseType: "Album",
    groupTime: "1339118000",
  });
});

test("a downloaded file announces with the passkey and carries the source flag", async () => {
  const f = fake({ style: "ops" });
  const res = await fetch(`${f.url}/torrents.php?action=download&id=3001&torrent_pass=${DEFAULT_USER.passkey}`);
  expect(res.headers.get("content-type")).toStartWith("application/x-bittorrent");
  expect(res.headers.get("content-disposition")).toStartWith('attachment; filename="');
  const d = bdecode(new Uint8Array(await res.arrayBuffer()));
  expect(isDict(d.value) && str(d.value.announce)).toBe(`${f.url}/${DEFAULT_USER.passkey}/announce`);
  expect(isDict(d.value) && isDict(d.value.info) && str(d.value.info.source)).toBe("OPS");
  expect((await fetch(`${f.url}/torrents.php?action=download&id=3001&torrent_pass=nope`)).status).toBe(403);
});
