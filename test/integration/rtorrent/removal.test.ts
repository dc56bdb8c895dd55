// Removal (-r, --clean -r) never deletes what a torrent still in the session uses, and
// nothing outside PATHS — each case below deleted live data before (issue "Trust first",
// items 1-4); the generated variants are in removal-props.test.ts. The binary runs as a
// user would run it from cron.

import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { Running, runBin } from "../../helpers/bin.ts";
import { makeTorrent, writeSession, type Built } from "../../helpers/rtorrent.ts";
import { tempDir } from "../../helpers/tmp.ts";

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p) : Buffer.from(p))));

function box() {
  const dir = tempDir("rm");
  const session = dir.join("session");
  const data = dir.join("data");
  const outside = dir.join("outside");
  for (const d of [session, data, outside]) mkdirSync(d);
  const db = dir.join("index.db");
  return {
    dir,
    session,
    data,
    outside,
    /** A multi-file torrent whose files live in `directory` (created with content). */
    add(name: string, files: string[], directory: string | Buffer, opts: { create?: boolean } = {}): Built {
      const t = makeTorrent({ name, files: files.map((f) => ({ path: f.split("/"), length: 1 })) });
      if (opts.create !== false) {
        for (const f of files) {
          const path = Buffer.concat([Buffer.from(directory), Buffer.from(`/${f}`)]);
          mkdirSync(path.subarray(0, path.lastIndexOf(0x2f)), { recursive: true });
          writeFileSync(path, "data");
        }
      }
      writeSession(session, t, { directory: typeof directory === "string" ? directory : new Uint8Array(directory) });
      return t;
    },
    erase(t: Built) {
      for (const ext of [".libtorrent_resume", ".rtorrent", ""])
        Bun.spawnSync(["rm", "-f", `${session}/${t.hash}.torrent${ext}`]);
    },
    run: (...extra: string[]) => runBin(["rtorrent", "--db", db, "--no-log", ...extra, session, data]),
    [Symbol.dispose]: () => dir[Symbol.dispose](),
  };
}

describe("removal keeps live data", () => {
  test(
    "a directory that is not UTF-8 is indexed by its bytes: " +
      "--clean -r keeps the live torrent's files, erase removes them",
    () => {
      using b = box();
      const dir = bytes(`${b.data}/caf`, [0xe9]);
      const t = b.add("café", ["a.mkv"], dir);
      const file = Buffer.concat([dir, Buffer.from("/a.mkv")]);
      const clean = b.run("--clean", "-r");
      expect(clean.code).toBe(0);
      expect(existsSync(file)).toBe(true);
      expect(clean.stdout + clean.stderr).toContain("0 file(s) under PATHS belong to no torrent");
      b.erase(t);
      expect(b.run("--once", "-r").code).toBe(0);
      expect(existsSync(file)).toBe(false); // its data does not stay behind
    },
  );

  test("a directory with '..' that leaves PATHS: erasing it deletes nothing outside", () => {
    using b = box();
    writeFileSync(`${b.outside}/victim`, "precious");
    const t = b.add("Sneaky", ["victim"], `${b.data}/../outside`, { create: false });
    expect(b.run("--once").code).toBe(0);
    b.erase(t);
    const r = b.run("--once", "-r");
    expect(readFileSync(`${b.outside}/victim`, "utf8")).toBe("precious");
    expect(r.stderr).toMatch(/keep ".*victim": outside the PATHS given/);
  });

  test("a torrent directory that is a symlink to a folder outside PATHS: erasing it deletes nothing there", () => {
    using b = box();
    mkdirSync(`${b.outside}/real`);
    writeFileSync(`${b.outside}/real/f`, "precious");
    symlinkSync(`${b.outside}/real`, `${b.data}/link`);
    const t = b.add("Linked", ["f"], `${b.data}/link`, { create: false });
    expect(b.run("--once").code).toBe(0);
    b.erase(t);
    b.run("--once", "-r");
    expect(readFileSync(`${b.outside}/real/f`, "utf8")).toBe("precious");
  });

  test("a cross-seed symlink whose target appeared after it was indexed keeps the target", async () => {
    using b = box();
    mkdirSync(`${b.data}/X`);
    symlinkSync(`${b.data}/A/song.flac`, `${b.data}/X/song.flac`); // dangling when indexed
    b.add("X", ["song.flac"], `${b.data}/X`, { create: false });
    await using w = new Running(["rtorrent", "-r", "--db", b.dir.join("index.db"), "--no-log", b.session, b.data]);
    await w.waitStderr(/watching /, "watching");
    const a = b.add("A", ["song.flac"], `${b.data}/A`); // the target exists now; X's index row is not rewritten
    await w.waitStderr(new RegExp(`added ${a.hash}`), "A added");
    b.erase(a);
    await w.waitStderr(new RegExp(`removed ${a.hash}`), "A removed");
    expect(readFileSync(`${b.data}/X/song.flac`, "utf8")).toBe("data"); // through the link
    expect(w.stderr).toMatch(/keep ".*A\/song\.flac": also used by/);
  });

  test(
    "--clean -r keeps what a torrent it cannot read could own: " + "below its directory when its .rtorrent is readable",
    () => {
      using b = box();
      const mismatch = b.add("Mismatch", ["m.bin"], `${b.data}/Mismatch`);
      const other = makeTorrent({ name: "Other", files: [{ path: ["o"], length: 1 }] });
      writeFileSync(`${b.session}/${mismatch.hash}.torrent`, other.bytes); // hashes to another name
      writeFileSync(`${b.data}/Mismatch/extra.nfo`, "");
      writeFileSync(`${b.data}/stray.bin`, "nobody's");
      const r = b.run("--clean", "-r");
      expect(r.code).toBe(0);
      expect(existsSync(`${b.data}/Mismatch/m.bin`)).toBe(true);
      expect(existsSync(`${b.data}/Mismatch/extra.nfo`)).toBe(true);
      expect(existsSync(`${b.data}/stray.bin`)).toBe(false); // what no torrent can need still goes
      expect(r.stderr).toContain(`${mismatch.hash}: ${mismatch.hash}.torrent: its info hashes to ${other.hash}`);
      expect(r.stderr).toContain("protected from removal");
    },
  );

  test(
    "a torrent whose .rtorrent cannot be read could have its data anywhere: " +
      "nothing is deleted, and it says what unblocks it",
    () => {
      using b = box();
      const corrupt = b.add("Corrupt", ["c.bin"], `${b.data}/Corrupt`);
      writeFileSync(`${b.session}/${corrupt.hash}.torrent.rtorrent`, "this is not bencode");
      writeFileSync(`${b.data}/stray.bin`, "nobody's");
      const r = b.run("--clean", "-r");
      expect(r.code).toBe(2);
      expect(existsSync(`${b.data}/Corrupt/c.bin`)).toBe(true);
      expect(existsSync(`${b.data}/stray.bin`)).toBe(true);
      expect(r.stderr).toContain(`${corrupt.hash}: ${corrupt.hash}.torrent.rtorrent: unexpected byte`);
      expect(r.stderr).toMatch(
        new RegExp(
          `nothing under PATHS is treated as orphaned: ${corrupt.hash} is in the session but cannot be read ` +
            `.*make .*${corrupt.hash}\\.torrent and its \\.rtorrent readable`,
        ),
      );
    },
  );

  test("a torrent about which nothing can be read holds back every deletion, and says how to unblock it", () => {
    using b = box();
    const t = b.add("Opaque", ["o.bin"], `${b.data}/Opaque`);
    writeFileSync(`${b.session}/${t.hash}.torrent`, "garbage");
    writeFileSync(`${b.session}/${t.hash}.torrent.rtorrent`, "garbage");
    writeFileSync(`${b.data}/stray.bin`, "");
    const r = b.run("--clean", "-r");
    expect(r.code).toBe(2);
    expect(existsSync(`${b.data}/stray.bin`)).toBe(true);
    expect(existsSync(`${b.data}/Opaque/o.bin`)).toBe(true);
    expect(r.stderr).toMatch(
      new RegExp(
        `${t.hash} is in the session but cannot be read .*make .*${t.hash}\\.torrent and its \\.rtorrent readable`,
      ),
    );
  });
});

describe("held-back deletions are not forgotten", () => {
  test(
    "--once: an erased torrent's data waits while a session torrent cannot be read, " +
      "and goes at the next run once it can",
    () => {
      using b = box();
      const gone = b.add("Gone", ["g.bin"], `${b.data}/Gone`);
      const blocker = b.add("Blocker", ["b.bin"], `${b.data}/Blocker`);
      expect(b.run("--once").code).toBe(0);
      b.erase(gone);
      writeFileSync(`${b.session}/${blocker.hash}.torrent.rtorrent`, "half written");
      const held = b.run("--once", "-r");
      expect(held.code).toBe(2);
      expect(existsSync(`${b.data}/Gone/g.bin`)).toBe(true);
      expect(held.stderr).toContain("the deletion is tried again then");
      writeSession(b.session, blocker, { directory: `${b.data}/Blocker` }); // rtorrent saves it again
      const later = b.run("--once", "-r");
      expect(later.code).toBe(0);
      expect(existsSync(`${b.data}/Gone/g.bin`)).toBe(false);
      expect(existsSync(`${b.data}/Blocker/b.bin`)).toBe(true);
      expect(later.stderr).toContain(`of ${gone.hash} "Gone", erased earlier and held back until now`);
    },
  );

  test(
    "files kept only because an unreadable torrent's folder holds them wait too, " +
      "and go once it reads (the rest of the erasure goes at once)",
    () => {
      using b = box();
      const gone = b.add("Gone", ["in/g.bin", "out/o.bin"], `${b.data}/Gone`);
      // its .rtorrent reads (the folder is known), its .torrent not: Gone/in could be its data
      const blocker = b.add("Blocker", ["b.bin"], `${b.data}/Gone/in`);
      expect(b.run("--once").code).toBe(0);
      b.erase(gone);
      writeFileSync(`${b.session}/${blocker.hash}.torrent`, "garbage");
      const held = b.run("--once", "-r");
      expect(existsSync(`${b.data}/Gone/in/g.bin`)).toBe(true);
      expect(existsSync(`${b.data}/Gone/out/o.bin`)).toBe(false);
      expect(held.stderr).toContain("1 of its 2 file(s) kept for now");
      writeFileSync(`${b.session}/${blocker.hash}.torrent`, blocker.bytes); // readable again
      const later = b.run("--once", "-r");
      expect(later.code).toBe(0);
      expect(existsSync(`${b.data}/Gone/in/g.bin`)).toBe(false);
      expect(existsSync(`${b.data}/Gone/in/b.bin`)).toBe(true);
      expect(later.stderr).toContain(`of ${gone.hash} "Gone", erased earlier and held back until now`);
      expect(b.run("--once", "-r").stderr).not.toContain("held back"); // done: not tried again
    },
  );

  test("the daemon deletes held-back data as soon as the blocking torrent reads again", async () => {
    using b = box();
    const gone = b.add("Gone", ["g.bin"], `${b.data}/Gone`);
    const blocker = b.add("Blocker", ["b.bin"], `${b.data}/Blocker`);
    await using w = new Running(["rtorrent", "-r", "--db", b.dir.join("index.db"), "--no-log", b.session, b.data]);
    await w.waitStderr(/watching /, "watching");
    writeFileSync(`${b.session}/${blocker.hash}.torrent.rtorrent`, "half written");
    await w.waitStderr(new RegExp(`${blocker.hash}: ${blocker.hash}.torrent.rtorrent`), "blocker unreadable");
    b.erase(gone);
    await w.waitStderr(/none of its 1 file\(s\) deleted yet/, "held back");
    expect(existsSync(`${b.data}/Gone/g.bin`)).toBe(true);
    writeSession(b.session, blocker, { directory: `${b.data}/Blocker` });
    await w.waitStderr(/erased earlier and held back until now/, "deleted once unblocked");
    expect(existsSync(`${b.data}/Gone/g.bin`)).toBe(false);
  });

  test("--max-delete holds back what it would exceed; a run without the cap deletes it", () => {
    using b = box();
    const big = b.add("Big", ["1", "2", "3"], `${b.data}/Big`);
    expect(b.run("--once").code).toBe(0);
    b.erase(big);
    expect(b.run("--once", "-r", "--max-delete", "2").code).toBe(2);
    expect(existsSync(`${b.data}/Big/1`)).toBe(true);
    expect(b.run("--once", "-r").code).toBe(0);
    expect(existsSync(`${b.data}/Big`)).toBe(false);
  });
});
