// The queue's one-shot sub-verbs, as a user runs them: import (BOM, quotes, CRLF,
// re-import, rejected rows, files that are not UTF-8 or not CSV), token, status, ls, help.

import { expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { runBin } from "../../helpers/bin.ts";
import { queueCli } from "../../helpers/queue.ts";
import { tempDir } from "../../helpers/tmp.ts";

const INVENTORY =
  "\uFEFFArtist Name,Album Title,Label,Year\r\n" +
  '"Cockburn, Bruce",Life Short Call Now,True North,2006\r\n' +
  '"Cockburn, Bruce","Dancing in the Dragon\'s Jaws",,1979\r\n' +
  '"Mitchell, Joni","Blue ""remastered""",Reprise,1971\r\n' +
  ",No Artist,,\r\n" +
  "Too,Many,Fields,In,This\r\n" +
  '"cockburn,  bruce",LIFE SHORT CALL NOW!,,\r\n' +
  '"Multi-line","Title\r\nwith a break",,\r\n';

test("import: BOM, quoted fields and CRLF; skipped and rejected rows named by row; re-import adds nothing", () => {
  using dir = tempDir("q-import");
  const db = dir.join("q.db");
  writeFileSync(dir.join("inv.csv"), INVENTORY);
  const first = queueCli(db, ["import", dir.join("inv.csv")]);
  expect(first.code).toBe(0);
  const name = dir.join("inv.csv");
  expect(first.stdout).toBe(
    `${name}:5: rejected: empty "Artist Name"\n` +
      `${name}:6: rejected: 5 fields where the header has 4\n` +
      `${name}:7: skipped: already in the queue, spelled differently (cockburn,  bruce — LIFE SHORT CALL NOW!)\n` +
      "added 4, skipped 1, rejected 2\n",
  );
  const again = queueCli(db, ["import", "-q", dir.join("inv.csv")]);
  expect(again.stdout).toBe("added 0, skipped 5, rejected 2\n");
  const albums = JSON.parse(queueCli(db, ["ls", "albums", "--json"]).stdout);
  expect(albums.map((a: { artist: string; title: string }) => [a.artist, a.title])).toEqual([
    ["Cockburn, Bruce", "Life Short Call Now"],
    ["Cockburn, Bruce", "Dancing in the Dragon's Jaws"],
    ["Mitchell, Joni", 'Blue "remastered"'],
    ["Multi-line", "Title\r\nwith a break"],
  ]);
  expect(albums[0].extra).toEqual({ Label: "True North", Year: "2006" });
  expect(albums[0].state).toBe("pending");
});

test("import: a file that is not UTF-8, or not CSV, is an error and nothing of any file is imported", () => {
  using dir = tempDir("q-import-bad");
  const db = dir.join("q.db");
  writeFileSync(dir.join("good.csv"), "Artist Name,Album Title\nA,B\n");
  writeFileSync(dir.join("latin1.csv"), Buffer.from("Artist Name,Album Title\nBj\xf6rk,Debut\n", "latin1"));
  writeFileSync(dir.join("broken.csv"), 'Artist Name,Album Title\n"unclosed,quote\n');
  writeFileSync(dir.join("binary.csv"), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 1]));
  writeFileSync(dir.join("columns.csv"), "Artist,Title\nA,B\n");
  const cases: [string, RegExp][] = [
    ["latin1.csv", /latin1\.csv is not UTF-8 text\nhint: .*iconv/],
    ["broken.csv", /broken\.csv is not CSV: .*quote/i],
    ["binary.csv", /binary\.csv is not CSV: it holds NUL bytes/],
    ["columns.csv", /columns\.csv has no "Artist Name" column \(its columns: "Artist", "Title"\)/],
  ];
  for (const [file, message] of cases) {
    const r = queueCli(db, ["import", dir.join("good.csv"), dir.join(file)]);
    expect([file, r.code]).toEqual([file, 3]);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe("");
  }
  const status = queueCli(db, ["status", "--json"]);
  expect(status.code).toBe(4); // no queue was even created
  expect(status.stderr).toContain("no queue there yet");
});

test("token add prints the token alone on stdout and how to use it on stderr; list and revoke", () => {
  using dir = tempDir("q-token");
  const db = dir.join("q.db");
  const add = queueCli(db, ["token", "add", "seedbox-a"]);
  expect(add.code).toBe(0);
  expect(add.stdout).toMatch(/^swq_[A-Za-z0-9_-]{43}\n$/);
  expect(add.stderr).toContain("Authorization: Bearer");
  expect(queueCli(db, ["token", "add", "dashboard", "--read-only"]).code).toBe(0);
  const dup = queueCli(db, ["token", "add", "seedbox-a"]);
  expect([dup.code, dup.stderr]).toEqual([3, expect.stringContaining("exists already")]);
  expect(queueCli(db, ["token", "add", "bad:name"]).code).toBe(3);
  const list = queueCli(db, ["token", "list"]).stdout;
  expect(list).toMatch(/^dashboard\tread-only\t.*\nseedbox-a\tread-write\t/);
  expect(list).not.toContain(add.stdout.trim());
  expect(queueCli(db, ["token", "revoke", "seedbox-a"]).code).toBe(0);
  expect(queueCli(db, ["token", "revoke", "seedbox-a"]).code).toBe(4);
});

test("status and ls: a table for a person, JSON for a script, --state filters", () => {
  using dir = tempDir("q-status");
  const db = dir.join("q.db");
  writeFileSync(dir.join("inv.csv"), "Artist Name,Album Title\nA,One\nB,Two\n");
  queueCli(db, ["import", dir.join("inv.csv")]);
  const status = queueCli(db, ["status"]);
  expect(status.stdout).toStartWith(
    "albums      2: found 0 (0.0%), not found 0 (0.0%), pending 2, leased 0, failed 0\n",
  );
  expect(JSON.parse(queueCli(db, ["status", "--json"]).stdout).albums.pending).toBe(2);
  const table = queueCli(db, ["ls", "albums"]).stdout.split("\n");
  expect(table[0]).toMatch(/^\s+ID\s+STATE\s+TRIES\s+ARTIST/);
  expect(table[1]).toMatch(/^\s+1\s+pending\s+0\s+A\s+One/);
  expect(JSON.parse(queueCli(db, ["ls", "albums", "--state", "found", "--json"]).stdout)).toEqual([]);
  expect(JSON.parse(queueCli(db, ["ls", "downloads", "--json"]).stdout)).toEqual([]);
  const bad = queueCli(db, ["ls", "albums", "--state", "done"]);
  expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining("pending, leased, found, not_found, failed")]);
});

test("help: queue lists its sub-commands; each has its own --help; an unknown one is a usage error", () => {
  const top = runBin(["queue", "--help"]);
  expect(top.stdout).toMatch(/serve +run the coordinator/);
  // --db is shared by every sub-command that opens the queue; a worker reaches it over HTTP
  expect(top.stdout).toContain("OPTIONS (every command but work)");
  expect(runBin(["help", "queue", "ls"]).stdout).toContain("USAGE  seedwatch queue ls");
  for (const sub of ["serve", "import", "token", "status", "ls", "work", "identify"]) {
    const h = runBin(["queue", sub, "--help"]);
    expect([sub, h.code, h.stdout]).toEqual([sub, 0, expect.stringContaining(`USAGE  seedwatch queue ${sub}`)]);
  }
  expect(runBin(["--help"]).stdout).toContain("queue ");
  const bad = runBin(["queue", "serv"]);
  expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining('unknown queue command "serv"')]);
  expect(bad.stderr).toContain("did you mean serve?");
  const listen = runBin(["queue", "serve", "--listen", "nope", "--db", ":memory:"]);
  expect([listen.code, listen.stderr]).toEqual([3, expect.stringContaining("--listen: not HOST:PORT")]);
});
