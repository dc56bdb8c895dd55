// Verbs with sub-verbs (commands/verbs.ts): help at every level, a "did you mean" for a
// sub-verb that does not exist, and the spellings of the days of an `action` positional.

import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { runBin } from "../../helpers/bin.ts";
import { makeTorrent, writeSession } from "../../helpers/rtorrent.ts";
import { tempDir } from "../../helpers/tmp.ts";

describe("help at every level", () => {
  test("seedwatch torrents --help lists the sub-verbs and the options they share", () => {
    const r = runBin(["torrents", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("USAGE  seedwatch torrents <command> [OPTIONS]");
    for (const sub of ["list", "show", "owner", "orphans"]) expect(r.stdout).toMatch(new RegExp(`^  ${sub} `, "m"));
    expect(r.stdout).toContain("--db FILE");
  });

  test("seedwatch torrents show --help and seedwatch help torrents show: the sub-verb's own", () => {
    const a = runBin(["torrents", "show", "--help"]);
    const b = runBin(["help", "torrents", "show"]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(a.stdout).toContain("USAGE  seedwatch torrents show [OPTIONS] HASH");
    expect(b.stdout).toBe(a.stdout);
  });

  test("service: the group's help, and each sub-verb's", () => {
    expect(runBin(["service", "--help"]).stdout).toMatch(/^ {2}install .*\n {2}uninstall /m);
    expect(runBin(["help", "service", "uninstall"]).stdout).toContain("USAGE  seedwatch service uninstall [OPTIONS]");
  });
});

describe("bad sub-verbs: one line, a hint, exit 2", () => {
  const cases: [string[], RegExp, RegExp][] = [
    [["torrents", "shwo"], /unknown torrents command "shwo"/, /did you mean show\?/],
    [["torrents", "7F3A9C"], /unknown torrents command "7F3A9C"/, /seedwatch torrents show 7F3A9C/],
    [["service", "instal"], /unknown service command "instal"/, /did you mean install\?/],
    [["service"], /service needs a command: install, uninstall/, /seedwatch service --help/],
    [["help", "torrents", "frob"], /unknown torrents command "frob"/, /torrents --help/],
  ];
  for (const [args, message, hint] of cases)
    test(args.join(" "), () => {
      const r = runBin(args);
      expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: "" });
      const [line, hintLine] = r.stderr.trimEnd().split("\n");
      expect(line).toMatch(message);
      expect(hintLine).toMatch(hint);
    });
});

describe("the old spellings keep working", () => {
  test("torrents with options before the sub-verb, or with none (list)", () => {
    using dir = tempDir("subverbs");
    const t = makeTorrent({ name: "Album", files: [{ path: ["01.flac"], length: 3 }] });
    writeSession(dir.join("session"), t, { directory: dir.join("dl/Album") }); // a multi-file torrent: its own folder
    const db = dir.join("index.db");
    expect(runBin(["rtorrent", "--once", "--no-log", "--db", db, dir.join("session")]).code).toBe(0);
    const list = runBin(["torrents", "--db", db]);
    expect(list.stdout).toContain(`${t.hash}  Album`);
    expect(runBin(["torrents", "--json", "--db", db, "list"]).stdout).toContain(`"hash": "${t.hash}"`);
    const show = runBin(["torrents", "--db", db, "show", t.hash.slice(0, 6)]);
    expect([show.code, show.stdout.split("\n")[0]]).toEqual([0, list.stdout.split("\n")[0]]);
    expect(runBin(["torrents", "--sql-file", db, "owner", dir.join("dl/Album/01.flac")]).stdout).toContain(t.hash);
  });

  test("service with options before install", () => {
    using dir = tempDir("subverbs");
    const r = runBin(["service", "--init", "systemd", "--root", dir.path, "install"]);
    expect(r.code).toBe(0);
    expect(existsSync(dir.join("etc/systemd/system/seedwatch.service"))).toBe(true);
  });
});
