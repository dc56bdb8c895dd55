// `seedwatch rtorrent` as a user runs it, on session directories written the way
// rtorrent writes them (.new + rename; erase deletes .libtorrent_resume, .rtorrent, then
// .torrent). The tests with a real rtorrent are in rtorrent-real.test.ts.

import { describe, expect, test } from "bun:test";
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { Running, runBin } from "../../helpers/bin.ts";
import { queryIndex } from "../../helpers/index-db.ts";
import { makeTorrent, writeSession, type Built } from "../../helpers/rtorrent.ts";
import { tempDir, type TempDir } from "../../helpers/tmp.ts";
import { waitFor } from "../../helpers/wait.ts";

interface Box extends Disposable {
  dir: TempDir;
  session: string;
  dl: string;
  db: string;
  add(name: string, files: string[], opts?: { complete?: 0 | 1; directory?: string }): Built;
  erase(t: Built): void;
  rows(): { hash: string; name: string }[];
  args(...extra: string[]): string[];
}

function box(): Box {
  const dir = tempDir("rt");
  const session = dir.join("session");
  const dl = dir.join("dl");
  mkdirSync(session);
  mkdirSync(dl);
  const db = dir.join("index.db");
  return {
    dir,
    session,
    dl,
    db,
    add(name, files, opts = {}) {
      const t = makeTorrent({ name, files: files.map((f) => ({ path: f.split("/"), length: 1 })) });
      const directory = opts.directory ?? `${dl}/${name}`;
      for (const f of files) {
        mkdirSync(`${directory}/${f}`.replace(/\/[^/]+$/, ""), { recursive: true });
        if (!existsSync(`${directory}/${f}`)) writeFileSync(`${directory}/${f}`, "x");
      }
      writeSession(session, t, { directory, complete: opts.complete ?? 0 });
      return t;
    },
    erase(t) {
      for (const ext of [".libtorrent_resume", ".rtorrent", ""]) rmSync(`${session}/${t.hash}.torrent${ext}`);
    },
    rows: () => queryIndex(db, "SELECT hash, name FROM torrent_data ORDER BY name"),
    args: (...extra) => ["rtorrent", "--db", db, "--no-log", ...extra, session, dl],
    [Symbol.dispose]: () => dir[Symbol.dispose](),
  };
}

const hookLog = (b: Box) =>
  existsSync(b.dir.join("hooks.log")) ? readFileSync(b.dir.join("hooks.log"), "utf8").trim().split("\n") : [];

function writeHooks(b: Box, body: string): string {
  const path = b.dir.join("hooks.ts");
  writeFileSync(
    path,
    `import type { Database } from "bun:sqlite";
import { appendFileSync } from "node:fs";
const out = (line: string) => appendFileSync(${JSON.stringify(b.dir.join("hooks.log"))}, line + "\\n");
${body}`,
  );
  return path;
}

describe("seedwatch rtorrent --once", () => {
  test("indexes every torrent, and a second run changes nothing", () => {
    using b = box();
    const t1 = b.add("One", ["a.bin"]);
    const t2 = b.add("Two", ["x/y.bin", "z.bin"]);
    const r = runBin(b.args("--once"));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("index: 2 added");
    expect(r.stderr).not.toMatch(/added [0-9A-F]{40}/); // a bulk index says it in its summary; -v lists each
    expect(runBin(b.args("--once", "-v", "--db", b.dir.join("other.db"))).stderr).toMatch(
      new RegExp(`added ${t1.hash} "One"`),
    );
    expect(b.rows()).toEqual([
      { hash: t1.hash, name: "One" },
      { hash: t2.hash, name: "Two" },
    ]);
    expect(runBin(b.args("--once")).stderr).toContain("0 added, 0 updated, 0 removed, 2 unchanged");
  });

  test("a session large enough to be read on a second thread is indexed whole, in the binary", () => {
    using b = box();
    const ts = Array.from({ length: 450 }, (_, i) => makeTorrent({ name: `bulk-${i}`, length: 1 + i }));
    for (const t of ts) writeSession(b.session, t, { directory: b.dl });
    const r = runBin(b.args("--once"));
    expect([r.code, r.stderr]).toEqual([0, expect.stringContaining("index: 450 added")]);
    expect(b.rows().length).toBe(450);
  });

  test("-r deletes an erased torrent's files, except those another torrent uses (path or hard link)", () => {
    using b = box();
    const a = b.add("A", ["own.bin", "shared.bin", "linked.bin"]);
    b.add("B", ["shared.bin"], { directory: `${b.dl}/A` }); // same path as A's shared.bin
    mkdirSync(`${b.dl}/C`);
    linkSync(`${b.dl}/A/linked.bin`, `${b.dl}/C/linked.bin`);
    b.add("C", ["linked.bin"]);
    expect(runBin(b.args("--once")).code).toBe(0);
    b.erase(a);
    const r = runBin(b.args("--once", "-r"));
    expect(r.code).toBe(0);
    expect(existsSync(`${b.dl}/A/own.bin`)).toBe(false);
    expect(existsSync(`${b.dl}/A/shared.bin`)).toBe(true);
    expect(existsSync(`${b.dl}/C/linked.bin`)).toBe(true);
    expect(existsSync(`${b.dl}/A/linked.bin`)).toBe(true); // kept: C's data is the same inode
    expect(r.stderr).toMatch(/keep ".*shared\.bin": also used by/);
    expect(b.rows().map((x) => x.name)).toEqual(["B", "C"]);
  });

  test("-n changes nothing at all, files and database, and says what it would do", () => {
    using b = box();
    const a = b.add("A", ["d/f.bin"]);
    expect(runBin(b.args("--once")).code).toBe(0);
    const before = readFileSync(b.db);
    b.erase(a);
    const r = runBin(b.args("--once", "-r", "-n"));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`would remove "${b.dl}/A/d/f.bin"`);
    expect(r.stdout).toContain(`would remove empty directory "${b.dl}/A"`);
    expect(existsSync(`${b.dl}/A/d/f.bin`)).toBe(true);
    expect(readFileSync(b.db).equals(before)).toBe(true);
  });

  test("--max-delete stops a run that would delete more, and says so", () => {
    using b = box();
    const a = b.add("A", ["1", "2", "3"]);
    runBin(b.args("--once"));
    b.erase(a);
    const r = runBin(b.args("--once", "-r", "--max-delete", "2"));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("--max-delete 2");
    expect(existsSync(`${b.dl}/A/1`)).toBe(true);
  });

  test("--trash moves instead of deleting", () => {
    using b = box();
    const a = b.add("A", ["sub/f"]);
    runBin(b.args("--once"));
    b.erase(a);
    expect(runBin(b.args("--once", "-r", "--trash", b.dir.join("trash"))).code).toBe(0);
    expect(existsSync(b.dir.join("trash/A/sub/f"))).toBe(true);
    expect(existsSync(`${b.dl}/A`)).toBe(false);
  });

  test("a corrupt session file is reported and the torrent kept; fixed, it is read again", () => {
    using b = box();
    const a = b.add("A", ["f"]);
    runBin(b.args("--once"));
    writeFileSync(`${b.session}/${a.hash}.torrent.rtorrent`, "d9:directory"); // truncated
    const r = runBin(b.args("--once", "-r"));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`${a.hash}: ${a.hash}.torrent.rtorrent`);
    expect(b.rows().map((x) => x.name)).toEqual(["A"]);
    expect(existsSync(`${b.dl}/A/f`)).toBe(true);
    writeSession(b.session, a, { directory: `${b.dl}/A`, custom1: "fixed" }); // rtorrent saves again
    const fixed = runBin(b.args("--once", "-r"));
    expect(fixed.stderr).toContain("1 updated");
    expect(fixed.stderr).not.toContain("unreadable");
  });

  test("--clean refuses while rtorrent holds the lock, accepts a stale lock, -f overrides", () => {
    using b = box();
    writeFileSync(`${b.session}/rtorrent.lock`, `${hostname()}:+${process.pid}`);
    const r = runBin(b.args("--clean"));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`lock held by pid ${process.pid}`);
    expect(runBin(b.args("--clean", "-f")).code).toBe(0);
    writeFileSync(`${b.session}/rtorrent.lock`, `${hostname()}:+999999999`);
    expect(runBin(b.args("--clean")).code).toBe(0);
  });

  test("--clean -r removes files under PATHS that no torrent owns", () => {
    using b = box();
    b.add("A", ["keep.bin"]);
    mkdirSync(`${b.dl}/junk/deep`, { recursive: true });
    writeFileSync(`${b.dl}/junk/deep/old.bin`, "");
    const r = runBin(b.args("--clean", "-r"));
    expect(r.code).toBe(0);
    expect(existsSync(`${b.dl}/junk`)).toBe(false);
    expect(existsSync(`${b.dl}/A/keep.bin`)).toBe(true);
    expect(existsSync(b.dl)).toBe(true);
  });

  test("bad input: a missing session, a missing or broken hooks file", () => {
    using b = box();
    expect(runBin(["rtorrent", "--no-log", b.dir.join("nope")]).code).toBe(4);
    const missing = runBin(b.args("--once", "--hooks", b.dir.join("none.ts")));
    expect([missing.code, missing.stderr.split("\n")[1]?.startsWith("hint:")]).toEqual([9, true]);
    writeFileSync(b.dir.join("broken.ts"), "export function post_add( {");
    expect(runBin(b.args("--once", "--hooks", b.dir.join("broken.ts"))).code).toBe(9);
  });
});

describe("seedwatch rtorrent (running)", () => {
  test("adds once per new torrent, survives re-saves and erase-then-re-add, runs post_remove", async () => {
    using b = box();
    const hooks = writeHooks(
      b,
      `export function post_add(db: Database, file: string, args: unknown) { out("post_add " + file.slice(-48, -8)); }
export function post_remove(
  db: Database,
  file: string,
  args: unknown,
  rm: { hash: string; rmfiles: string[]; torfiles: string[] },
) {
  out("post_remove " + rm.hash + " " + rm.rmfiles.length + "/" + rm.torfiles.length);
}
export function pre_add() { throw new Error("pre_add is broken"); }`,
    );
    await using w = new Running(b.args("-r", "--hooks", hooks));
    await w.waitStderr(/watching /, "watching");
    const t = b.add("Live", ["f1", "f2"]);
    await waitFor(() => hookLog(b).includes(`post_add ${t.hash}`), "post_add");
    // logged, the add went on (the hook's file can be read before seedwatch's stderr is)
    await w.waitStderr(/pre_add is broken/, "pre_add's failure logged");
    writeSession(b.session, t, { directory: `${b.dl}/Live` }); // a full save rewrites all three
    b.erase(t);
    writeSession(b.session, t, { directory: `${b.dl}/Live` }); // re-added at once
    const marker = b.add("Marker", ["m"]);
    await waitFor(() => hookLog(b).includes(`post_add ${marker.hash}`), "marker added");
    expect(hookLog(b).filter((l) => l === `post_add ${t.hash}`).length).toBe(1);
    expect(b.rows().map((r) => r.name)).toEqual(["Live", "Marker"]);
    expect(existsSync(`${b.dl}/Live/f1`)).toBe(true);
    b.erase(t);
    await waitFor(() => hookLog(b).includes(`post_remove ${t.hash} 2/2`), "post_remove");
    expect(existsSync(`${b.dl}/Live`)).toBe(false);
    expect(await w.stop("SIGTERM")).toBe(0);
  });

  test("the complete hook runs exactly once per completion, across restarts and --once", async () => {
    using b = box();
    const hooks = writeHooks(
      b,
      `export function complete(db: Database, path: string) {
  out("complete " + path.slice(path.lastIndexOf("/") + 1));
}`,
    );
    const t = b.add("Done", ["f"]);
    const viaFlag = b.add("Flag", ["g"]);
    await using w = new Running(b.args("--hooks", hooks));
    await w.waitStderr(/watching /, "watching");
    writeFileSync(`${b.session}/${t.hash}.complete`, ""); // the rtorrent.rc marker line
    writeSession(b.session, viaFlag, { directory: `${b.dl}/Flag`, complete: 1 }); // a save after completion
    await waitFor(() => hookLog(b).includes(`complete ${t.hash}.complete`), "marker completion");
    await waitFor(() => hookLog(b).includes(`complete ${viaFlag.hash}.torrent`), "flag completion");
    expect(await w.stop("SIGTERM")).toBe(0);
    expect(runBin(b.args("--once", "--hooks", hooks)).code).toBe(0);
    await using again = new Running(b.args("--hooks", hooks));
    await again.waitStderr(/watching /, "watching again");
    expect(hookLog(b).sort()).toEqual([`complete ${t.hash}.complete`, `complete ${viaFlag.hash}.torrent`].sort());
  });
});

describe("seedwatch init and typed hooks", () => {
  test('init writes types that type-check the example, and the binary runs it (import from "seedwatch")', () => {
    using b = box();
    const dir = b.dir.join("conf");
    expect(runBin(["init", dir]).code).toBe(0);
    const tsc = Bun.spawnSync([`${import.meta.dir}/../../../node_modules/.bin/tsc`, "-p", dir], { stdout: "pipe" });
    expect(tsc.stdout.toString()).toBe("");
    expect(tsc.exitCode).toBe(0);
    b.add("Typed", ["t.bin"]);
    const r = runBin(b.args("--once", "--hooks", `${dir}/hooks.ts`));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("added Typed");
    expect(runBin(["init", dir]).stdout).toContain("kept"); // the user's hooks.ts is not overwritten
  }, 180_000); // tsc: 2–3 s alone, 16 s and more beside CPU hogs

  test("a hook that hangs is logged after --hook-timeout and the run goes on", () => {
    using b = box();
    const hooks = writeHooks(b, `export function post_add() { return new Promise(() => {}); }`);
    b.add("Slow", ["s"]);
    b.add("Next", ["n"]);
    const r = runBin(b.args("--once", "--hooks", hooks, "--hook-timeout", "1"));
    expect(r.code).toBe(9); // hook failures make --once exit with the hook status
    expect(r.stderr).toContain("post_add did not finish within 1 s");
    expect(b.rows().map((x) => x.name)).toEqual(["Next", "Slow"]);
  });
});

describe("hooks that hang", () => {
  test(
    "six torrents whose post_add never settles: " + "all six start before the first times out (not one after another)",
    () => {
      using b = box();
      const hooks = writeHooks(
        b,
        `export function post_add(db: Database, file: string) {
  process.stderr.write("hook start " + file.slice(-48, -8) + "\\n");
  return new Promise(() => {});
}`,
      );
      const ts = Array.from({ length: 6 }, (_, i) => b.add(`T${i}`, ["f"]));
      // 3 s: the six must start within it even when the machine stalls seedwatch for a while
      const r = runBin(b.args("--once", "--hooks", hooks, "--hook-timeout", "3"));
      expect(r.code).toBe(9);
      const lines = r.stderr.split("\n");
      const firstTimeout = lines.findIndex((l) => l.includes("did not finish within 3 s"));
      const starts = lines.map((l, i) => (l.startsWith("hook start ") ? i : -1)).filter((i) => i >= 0);
      expect(starts.length).toBe(6);
      expect(Math.max(...starts)).toBeLessThan(firstTimeout);
      expect(b.rows().map((x) => x.name)).toEqual(ts.map((_, i) => `T${i}`)); // the index did not wait for them
    },
  );
});

describe("seedwatch torrents", () => {
  test("list, show by prefix, owner of a path, orphans, and --json", () => {
    using b = box();
    const t = b.add("Album", ["cd1/01.flac", "cover.jpg"]);
    writeFileSync(`${b.dl}/stray.nfo`, "");
    runBin(b.args("--once"));
    const list = runBin(["torrents", "--db", b.db]);
    expect(list.stdout).toContain(`${t.hash}  Album`);
    expect(runBin(["torrents", "show", t.hash.slice(0, 6), "--db", b.db]).stdout).toContain(
      `${b.dl}/Album/cd1/01.flac`,
    );
    expect(runBin(["torrents", "owner", `${b.dl}/Album/cover.jpg`, `${b.dl}/stray.nfo`, "--db", b.db]).stdout).toBe(
      `${b.dl}/Album/cover.jpg: ${t.hash} "Album"\n${b.dl}/stray.nfo: no torrent\n`,
    );
    expect(runBin(["torrents", "orphans", b.dl, "--db", b.db]).stdout).toBe(`${b.dl}/stray.nfo\n`);
    const json = JSON.parse(runBin(["torrents", "--json", "--db", b.db]).stdout);
    expect(json).toEqual([expect.objectContaining({ hash: t.hash, name: "Album", files: 2, complete: false })]);
    const missing = runBin(["torrents", "show", "FFFF", "--db", b.db]);
    expect([missing.code, missing.stderr]).toEqual([4, expect.stringContaining("no torrent FFFF")]);
    expect(runBin(["torrents", "--db", b.dir.join("none.db")]).code).toBe(4);
  });
});

describe("seedwatch doctor for rtorrent", () => {
  test("reports the index and the session: lock, leftovers, orphans", () => {
    using b = box();
    const t = b.add("A", ["f"]);
    runBin(b.args("--once"));
    writeFileSync(`${b.session}/${t.hash}.torrent.rtorrent.new`, "");
    writeFileSync(`${b.session}/${"F".repeat(40)}.torrent.rtorrent`, "");
    const r = runBin(["doctor", "--db", b.db, "--session", b.session, "--json"]);
    expect(r.code).toBe(0);
    const findings = JSON.parse(r.stdout) as { check: string; status: string; detail: string }[];
    const by = (c: string) => findings.find((f) => f.check === c);
    expect(by("rtorrent index")).toMatchObject({
      status: "ok",
      detail: expect.stringContaining("1 torrents, schema 2"),
    });
    expect(by("rtorrent session")).toMatchObject({
      status: "ok",
      detail: expect.stringContaining("rtorrent not running"),
    });
    expect(by("rtorrent session leftovers")?.status).toBe("warn");
    expect(by("rtorrent session orphans")?.status).toBe("warn");
    writeFileSync(b.db, "garbage that is not a database at all, long enough for a header......");
    expect(
      JSON.parse(runBin(["doctor", "--db", b.db, "--json"]).stdout).find(
        (f: { check: string }) => f.check === "rtorrent index",
      ).status,
    ).toBe("fail");
    expect(runBin(["doctor", "--db", b.db]).code).toBe(8);
  });
});

describe("rtorrent_event's loop hooks", () => {
  test("pre_loop adds a queue, its function and an inotify handler; post_loop runs on SIGTERM", async () => {
    using b = box();
    const hooks = writeHooks(
      b,
      `export function pre_loop(
  db: Database,
  watcher: unknown,
  args: unknown,
  queues: Record<string, string[]>,
  qfuncs: Record<string, Function>,
  inot: Map<string, Function>,
) {
  queues.mine = [];
  qfuncs.mine = (db: Database, path: string) => out("mine " + path.slice(-8));
  inot.set("torrent IN_MOVED_TO", (path: string) => queues.mine!.push(path));
  out("pre_loop");
}
export function post_loop() { out("post_loop"); }`,
    );
    await using w = new Running(b.args("--hooks", hooks));
    await w.waitStderr(/watching /, "watching");
    b.add("Q", ["q"]);
    await waitFor(() => hookLog(b).includes("mine .torrent"), "user queue ran");
    expect(await w.stop("SIGTERM")).toBe(0);
    expect(hookLog(b)[0]).toBe("pre_loop");
    expect(hookLog(b).at(-1)).toBe("post_loop");
  });

  test("a complete hook that re-queues itself is tried again, then marked done", () => {
    using b = box();
    const hooks = writeHooks(
      b,
      `export function complete(db: Database, path: string, args: unknown, queues: Record<string, string[]>) {
  out("complete try");
  // not yet: again later
  if (!require("node:fs").existsSync(${JSON.stringify(b.dir.join("ready"))})) queues.complete!.push(path);
}`,
    );
    const t = b.add("R", ["r"]);
    writeFileSync(`${b.session}/${t.hash}.complete`, "");
    expect(runBin(b.args("--once", "--hooks", hooks)).code).toBe(0);
    expect(hookLog(b)).toEqual(["complete try"]);
    writeFileSync(b.dir.join("ready"), "");
    expect(runBin(b.args("--once", "--hooks", hooks)).code).toBe(0);
    expect(runBin(b.args("--once", "--hooks", hooks)).code).toBe(0);
    expect(hookLog(b)).toEqual(["complete try", "complete try"]); // retried once, then done
  });

  test("the session directory going away stops the daemon after post_loop, exit 4", async () => {
    using b = box();
    const hooks = writeHooks(b, `export function post_loop() { out("post_loop"); }`);
    await using w = new Running(b.args("--hooks", hooks));
    await w.waitStderr(/watching /, "watching");
    rmSync(b.session, { recursive: true });
    expect(await w.stop()).toBe(4);
    expect(hookLog(b)).toEqual(["post_loop"]);
    expect(w.stderr).toContain("is gone; stopping");
  });
});
