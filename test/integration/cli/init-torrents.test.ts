// Edges of `seedwatch init` and `seedwatch torrents` a careful user hit (issue "Trust
// first", smaller things): one line and a hint instead of a stack; paths that are not
// UTF-8 given on the command line; names shown on one line; exit codes that say what
// happened.

import { describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { runBin } from "../../helpers/bin.ts";
import { makeTorrent, writeSession } from "../../helpers/rtorrent.ts";
import { tempDir } from "../../helpers/tmp.ts";

describe("seedwatch init", () => {
  test("a file or an impossible place is one line, a hint and an exit code, not a stack", () => {
    for (const [dir, code] of [
      ["/etc/passwd", 5],
      ["/proc/seedwatch-test", 4],
    ] as const) {
      const r = runBin(["init", dir]);
      expect(r.code).toBe(code);
      expect(r.stderr.split("\n")[0]).toMatch(/^seedwatch: mkdir /);
      expect(r.stderr.split("\n")[1]).toMatch(/^hint: /);
      expect(r.stderr).not.toContain("internal error");
    }
  });
});

describe("seedwatch torrents", () => {
  function indexed() {
    const dir = tempDir("torrents");
    const raw = Buffer.concat([Buffer.from(dir.join("dl/caf")), Buffer.from([0xe9])]);
    mkdirSync(raw, { recursive: true });
    writeFileSync(Buffer.concat([raw, Buffer.from("/line\nbreak.mkv")]), "x");
    const t = makeTorrent({
      name: Uint8Array.from([0x63, 0x61, 0x66, 0xe9]),
      files: [{ path: ["line\nbreak.mkv"], length: 1 }],
    });
    writeSession(dir.join("session"), t, { directory: new Uint8Array(raw) });
    const db = dir.join("index.db");
    expect(runBin(["rtorrent", "--once", "--no-log", "--db", db, dir.join("session")]).code).toBe(0);
    return {
      dir,
      t,
      db,
      file: Buffer.concat([raw, Buffer.from("/line\nbreak.mkv")]),
      [Symbol.dispose]: () => dir[Symbol.dispose](),
    };
  }

  test("owner finds a path that is not UTF-8, given as bytes on the command line", () => {
    using x = indexed();
    // Bun passes arguments as UTF-8, so the bytes go through the shell, as a user's would.
    const escaped = [...x.file].map((c) => `\\x${c.toString(16).padStart(2, "0")}`).join("");
    const r = Bun.spawnSync(
      [
        "bash",
        "-c",
        'exec "$0" torrents owner --db "$1" "$(printf %b "$2")"',
        process.env.SEEDWATCH_BIN!,
        x.db,
        escaped,
      ],
      { stdout: "pipe", stderr: "pipe" },
    );
    expect(r.stdout.toString()).toContain(x.t.hash);
    expect(r.stdout.toString()).toContain("caf\\xe9/line\\nbreak.mkv");
  });

  test("show and list print each name on one line, escaping newlines and bytes that are not UTF-8", () => {
    using x = indexed();
    const show = runBin(["torrents", "show", x.t.hash.slice(0, 8), "--db", x.db]);
    expect(show.stdout).toContain("caf\\xe9/line\\nbreak.mkv");
    expect(show.stdout).not.toContain("\uFFFD");
    expect(show.stdout.split("\n").filter(Boolean).length).toBe(3); // summary, directory, one file
    expect(runBin(["torrents", "--db", x.db]).stdout).toContain(`${x.t.hash}  caf\\xe9`);
  });

  test("show of an unknown hash exits 4 (not found); list refuses an argument it would ignore", () => {
    using x = indexed();
    const unknown = runBin(["torrents", "show", "FFFFFF", "--db", x.db]);
    expect([unknown.code, unknown.stderr.split("\n")[0]]).toEqual([4, "seedwatch: no torrent FFFFFF in the index"]);
    const extra = runBin(["torrents", "list", "extra", "--db", x.db]);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toContain('list takes no argument (got "extra")');
  });
});
