// The Watcher contract: what every implementation (inotify, poll, the fake) must do.
// Each case acts on a tree through the harness and waits for the events it promises.
// Absence is checked behind a barrier: a marker file written after the action, whose
// event can only arrive after the action's.

import { describe, expect, test } from "bun:test";
import { decodePath, encodePath, type FsEvent } from "../../src/events/index.ts";
import { makeFilter } from "../../src/watch/filter.ts";
import type { Watcher, WatchOptions } from "../../src/watch/watcher.ts";
import type { EventLog } from "../helpers/wait.ts";
import { PathModel } from "./path-model.ts";

export interface TreeOps {
  mkdirp(path: string): void;
  write(path: string, data?: string): void;
  rename(from: string, to: string): void;
  rm(path: string): void;
}

export interface Harness extends AsyncDisposable {
  /** A directory to watch, empty. */
  root: string;
  /** A directory outside every watched tree, on the same filesystem. */
  outside: string;
  ops: TreeOps;
  log: EventLog;
  /** What the watcher reported through onProblem, as "path: message". */
  problems: string[];
  watcher: Watcher;
}

export function testWatcher(name: string, make: () => Harness | Promise<Harness>): void {
  const start = async (opts: WatchOptions = {}) => {
    const h = await make();
    await h.watcher.add(h.root, { recursive: true, ...opts });
    return h;
  };
  let markers = 0;
  const barrier = async (h: Harness) => {
    const marker = `${h.root}/.barrier-${++markers}`;
    h.ops.write(marker);
    await h.log.until((e) => e.path === marker && e.kind === "create", "barrier");
    return marker;
  };
  const is = (path: string, kind: FsEvent["kind"]) => (e: FsEvent) => e.path === path && e.kind === kind;

  describe(`Watcher contract: ${name}`, () => {
    test("a new file is reported as created, then written", async () => {
      await using h = await start();
      h.ops.write(`${h.root}/a.txt`, "hello");
      await h.log.until(is(`${h.root}/a.txt`, "write"), "write a.txt");
      const kinds = h.log.events.filter((e) => e.path === `${h.root}/a.txt`).map((e) => e.kind);
      expect(kinds.indexOf("create")).toBeGreaterThanOrEqual(0);
      expect(kinds.indexOf("create")).toBeLessThan(kinds.lastIndexOf("write"));
      expect(h.log.events.find(is(`${h.root}/a.txt`, "create"))!.dir).toBe(false);
    });

    test("mkdir -p a/b/c && touch a/b/c/f reports every level and f, exactly once", async () => {
      await using h = await start();
      h.ops.mkdirp(`${h.root}/a/b/c`);
      h.ops.write(`${h.root}/a/b/c/f`);
      await h.log.until(is(`${h.root}/a/b/c/f`, "write"), "f written");
      await barrier(h);
      for (const d of ["a", "a/b", "a/b/c"]) {
        const creates = h.log.named(`${h.root}/${d}`, "IN_CREATE");
        expect(creates.length).toBe(1);
        expect(creates[0]!.dir).toBe(true);
      }
      expect(h.log.named(`${h.root}/a/b/c/f`, "IN_CREATE").length).toBe(1);
      expect(h.log.named(`${h.root}/a/b/c/f`, "IN_CLOSE_WRITE").length).toBe(1);
    });

    test("a rename inside the tree is one move with its source", async () => {
      await using h = await start();
      h.ops.mkdirp(`${h.root}/d`);
      h.ops.write(`${h.root}/d/old`);
      await h.log.until(is(`${h.root}/d/old`, "write"), "old written");
      h.ops.rename(`${h.root}/d/old`, `${h.root}/new`);
      const to = await h.log.until((e) => e.names[0] === "IN_MOVED_TO", "moved_to");
      expect(to).toMatchObject({ kind: "move", path: `${h.root}/new`, from: `${h.root}/d/old`, dir: false });
      const from = h.log.events.find((e) => e.names[0] === "IN_MOVED_FROM");
      expect(from).toMatchObject({ kind: "move", path: `${h.root}/d/old`, to: `${h.root}/new` });
      expect(h.log.events.some(is(`${h.root}/d/old`, "delete"))).toBe(false);
    });

    test("a renamed directory keeps reporting under its new name", async () => {
      await using h = await start();
      h.ops.mkdirp(`${h.root}/x/y`);
      await h.log.until(is(`${h.root}/x/y`, "create"), "x/y");
      h.ops.rename(`${h.root}/x`, `${h.root}/z`);
      await h.log.until((e) => e.names[0] === "IN_MOVED_TO" && e.path === `${h.root}/z`, "x → z");
      h.ops.write(`${h.root}/z/y/after`);
      await h.log.until(is(`${h.root}/z/y/after`, "write"), "write under renamed dir");
    });

    test("a file moved out of the tree is reported as deleted", async () => {
      await using h = await start();
      h.ops.write(`${h.root}/leaving`);
      await h.log.until(is(`${h.root}/leaving`, "write"), "written");
      h.ops.rename(`${h.root}/leaving`, `${h.outside}/left`);
      await h.log.until(is(`${h.root}/leaving`, "delete"), "moved out");
    });

    test("a directory moved in is reported with everything inside it", async () => {
      await using h = await start();
      h.ops.mkdirp(`${h.outside}/pack/sub`);
      h.ops.write(`${h.outside}/pack/sub/track.flac`, "x");
      h.ops.rename(`${h.outside}/pack`, `${h.root}/pack`);
      await h.log.until(is(`${h.root}/pack`, "create"), "pack moved in");
      await h.log.until(is(`${h.root}/pack/sub`, "create"), "pack/sub found");
      await h.log.until(is(`${h.root}/pack/sub/track.flac`, "create"), "track found");
      h.ops.write(`${h.root}/pack/sub/later`);
      await h.log.until(is(`${h.root}/pack/sub/later`, "write"), "new file in moved-in dir");
    });

    test(
      "replaying the events gives the tree, " + "directories renamed before the watcher got to them included",
      async () => {
        await using h = await start();
        const r = h.root;
        h.ops.mkdirp(`${r}/a/b`);
        h.ops.write(`${r}/a/b/f`);
        h.ops.rename(`${r}/a`, `${r}/renamed`); // maybe before a was watched
        h.ops.mkdirp(`${r}/a`); // the old name, reused at once
        h.ops.write(`${r}/a/g`);
        h.ops.mkdirp(`${h.outside}/pack/x`);
        h.ops.write(`${h.outside}/pack/x/y`);
        h.ops.rename(`${h.outside}/pack`, `${r}/renamed/b/pack`); // moved in, below the renamed one
        h.ops.rename(`${r}/a/g`, `${h.outside}/g`); // moved out
        h.ops.write(`${r}/a/g`); // and the name used again
        h.ops.rm(`${r}/renamed/b/f`);
        const marker = await barrier(h);
        const model = new PathModel(r);
        h.log.events.forEach(model.apply);
        const expected = [
          "a",
          "a/g",
          "renamed",
          "renamed/b",
          "renamed/b/pack",
          "renamed/b/pack/x",
          "renamed/b/pack/x/y",
        ].map((p) => `${r}/${p}`);
        expect([...model.paths].sort()).toEqual([...expected, marker].sort());
      },
    );

    test(
      "a directory renamed while a file in it is deleted " + "and another rewritten: replaying gives the tree",
      async () => {
        await using h = await start();
        const r = h.root;
        h.ops.mkdirp(`${r}/d`);
        h.ops.write(`${r}/d/keep`, "1");
        h.ops.write(`${r}/d/gone`, "1");
        await h.log.until(is(`${r}/d/gone`, "write"), "gone written");
        await h.log.until(is(`${r}/d/keep`, "write"), "keep written");
        h.ops.rename(`${r}/d`, `${r}/e`); // all three between two looks of a polling watcher
        h.ops.rm(`${r}/e/gone`);
        h.ops.write(`${r}/e/keep`, "longer now");
        await h.log.until(is(`${r}/e/keep`, "write"), "keep rewritten at its new name");
        const marker = await barrier(h);
        const model = new PathModel(r);
        h.log.events.forEach(model.apply);
        expect([...model.paths].sort()).toEqual([`${r}/e`, `${r}/e/keep`, marker].sort());
      },
    );

    test("a deleted file is reported", async () => {
      await using h = await start();
      h.ops.write(`${h.root}/gone`);
      await h.log.until(is(`${h.root}/gone`, "write"), "written");
      h.ops.rm(`${h.root}/gone`);
      await h.log.until(is(`${h.root}/gone`, "delete"), "deleted");
    });

    test("an excluded directory is not descended into", async () => {
      await using h = await start({ filter: makeFilter({ exclude: ["/skip$"] }) });
      h.ops.mkdirp(`${h.root}/skip/deep`);
      h.ops.write(`${h.root}/skip/deep/f`);
      h.ops.mkdirp(`${h.root}/keep`);
      h.ops.write(`${h.root}/keep/f`);
      await h.log.until(is(`${h.root}/keep/f`, "write"), "keep/f");
      await barrier(h);
      expect(h.log.events.filter((e) => e.path.includes("/skip"))).toEqual([]);
    });

    test("only the requested events are reported", async () => {
      await using h = await start({ events: ["IN_CLOSE_WRITE"] });
      h.ops.mkdirp(`${h.root}/d`);
      h.ops.write(`${h.root}/d/f`);
      h.ops.write(`${h.root}/g`);
      await h.log.until(is(`${h.root}/g`, "write"), "g written");
      await h.log.until(is(`${h.root}/d/f`, "write"), "d/f written");
      expect(new Set(h.log.events.map((e) => e.names[0]))).toEqual(new Set(["IN_CLOSE_WRITE"]));
    });

    test("a name that is not UTF-8 arrives byte for byte", async () => {
      await using h = await start();
      const raw = Uint8Array.from([...Buffer.from(`${h.root}/caf`), 0xe9, 0xff, 0x2e, 0x74]);
      const path = decodePath(raw);
      h.ops.write(path);
      const ev = await h.log.until((e) => e.kind === "write" && e.path.startsWith(`${h.root}/caf`), "latin-1 name");
      expect(Buffer.from(encodePath(ev.path)).equals(Buffer.from(raw))).toBe(true);
    });

    test("a deleted root is reported as gone and leaves the watcher usable", async () => {
      await using h = await start();
      h.ops.mkdirp(`${h.root}/sub`);
      await h.log.until(is(`${h.root}/sub`, "create"), "sub");
      let rootsWhenGone: string[] | undefined;
      h.log.tap = (e) => {
        if (e.kind === "gone") rootsWhenGone = h.watcher.roots();
      };
      h.ops.rm(h.root);
      await h.log.until(is(h.root, "gone"), "root gone");
      expect(rootsWhenGone).toEqual([]); // dropped before the event is delivered
      // usable: the same path, made again, can be watched again and reports as before
      h.ops.mkdirp(`${h.root}/sub`);
      await h.watcher.add(h.root, { recursive: true });
      expect(h.watcher.roots()).toEqual([h.root]);
      h.ops.write(`${h.root}/sub/again`);
      await h.log.until(is(`${h.root}/sub/again`, "write"), "write under the root watched again");
      h.ops.mkdirp(`${h.outside}/d`);
      h.ops.write(`${h.outside}/d/x`);
      h.ops.rename(`${h.outside}/d`, `${h.root}/d`);
      await h.log.until(is(`${h.root}/d/x`, "create"), "a directory moved into it is listed");
    });

    test("a handler that throws is reported as a problem, and the events after it still arrive", async () => {
      await using h = await start();
      h.log.tap = (e) => {
        if (e.path === `${h.root}/boom`) throw new Error("handler bug");
      };
      h.ops.write(`${h.root}/boom`);
      h.ops.write(`${h.root}/after`);
      await h.log.until(is(`${h.root}/after`, "write"), "the file after it");
      expect(h.log.events.some(is(`${h.root}/boom`, "create"))).toBe(true);
      expect(h.problems.filter((p) => p.includes("handler bug")).length).toBeGreaterThan(0);
      expect(h.problems.every((p) => p.startsWith(`${h.root}/boom: `))).toBe(true);
    });
  });
}
