// The engine when it is behind: the disk already shows the end of what the queued kernel
// records describe. Each test puts a temp tree in the state a sequence of operations
// leaves, then feeds the records the kernel would have queued for it. The scripted
// kernel keys watches by inode, as inotify_add_watch does (same inode, same wd).

import { describe, expect, test } from "bun:test";
import { lstatSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import type { FsEvent } from "../../../src/events/index.ts";
import { InotifyEngine, type Kernel, type KernelRecord } from "../../../src/watch/engine.ts";
import { diskPaths, pathDiff, PathModel } from "../../contracts/path-model.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { EventLog } from "../../helpers/wait.ts";

function behind(root: string, beforeWatch?: (path: string) => void) {
  const byIno = new Map<number, number>();
  let next = 1;
  const kernel: Kernel = {
    addWatch(path) {
      beforeWatch?.(path);
      let st: ReturnType<typeof lstatSync>;
      try {
        st = lstatSync(path);
      } catch (err) {
        return (err as NodeJS.ErrnoException).code ?? "EIO";
      }
      if (!st.isDirectory()) return "ENOTDIR";
      if (!byIno.has(st.ino)) byIno.set(st.ino, next++);
      return byIno.get(st.ino)!;
    },
    rmWatch(wd) {
      for (const [ino, w] of byIno) if (w === wd) byIno.delete(ino);
    },
    beingWritten: () => false,
    drain: () => true,
  };
  const log = new EventLog();
  const model = new PathModel(root);
  const engine = new InotifyEngine(kernel, {
    onEvent: (e) => {
      model.apply(e);
      log.push(e);
    },
  });
  engine.addRoot(root, {});
  for (const p of diskPaths(root)) model.apply({ kind: "create", path: p, names: ["IN_CREATE"], dir: false, root });
  /** The wd the kernel gave the directory at `path` (which must be watched). */
  const wd = (path: string) => byIno.get(lstatSync(path).ino)!;
  const read = (...records: KernelRecord[]) => {
    engine.feed(records);
    engine.pump();
  };
  const modelMatchesDisk = () => expect(pathDiff(model.paths, diskPaths(root))).toBe("");
  const [ROOT] = [wd(root)];
  return { engine, log, wd, read, modelMatchesDisk, ROOT, [Symbol.dispose]: () => engine.stop() };
}

const rec = (wd: number, event: KernelRecord["event"], name: string, dir: boolean, cookie = 0): KernelRecord => ({
  wd,
  event,
  dir,
  cookie,
  name: new TextEncoder().encode(name),
});
const rel = (root: string) => (e: FsEvent) =>
  `${e.kind} ${e.path.slice(root.length + 1)}` +
  `${e.from ? ` from ${e.from.slice(root.length + 1)}` : ""}${e.synthetic ? " *" : ""}`;

describe("InotifyEngine behind the disk", () => {
  test("mkdir -p a/b; touch a/b/f; mv a r: r/b and r/b/f are reported (the issue's case)", () => {
    using dir = tempDir();
    using t = behind(dir.path);
    mkdirSync(dir.join("a/b"), { recursive: true });
    writeFileSync(dir.join("a/b/f"), "");
    renameSync(dir.join("a"), dir.join("r"));
    t.read(
      rec(t.ROOT, "IN_CREATE", "a", true),
      rec(t.ROOT, "IN_MOVED_FROM", "a", true, 7),
      rec(t.ROOT, "IN_MOVED_TO", "r", true, 7),
    );
    expect(t.log.events.filter((e) => e.kind !== "write").map(rel(dir.path))).toEqual([
      "create a",
      "move a",
      "move r from a",
      "create r/b *",
      "create r/b/f *",
    ]);
    t.modelMatchesDisk();
    expect(t.engine.stats().watches).toBe(3); // root, r, r/b: new files there are seen
  });

  test("the old name reused by a new directory after the rename: both are listed, each at its name", () => {
    using dir = tempDir();
    using t = behind(dir.path);
    mkdirSync(dir.join("a"));
    writeFileSync(dir.join("a/f"), "");
    renameSync(dir.join("a"), dir.join("r"));
    mkdirSync(dir.join("a"));
    writeFileSync(dir.join("a/g"), "");
    t.read(
      rec(t.ROOT, "IN_CREATE", "a", true),
      rec(t.ROOT, "IN_MOVED_FROM", "a", true, 7),
      rec(t.ROOT, "IN_MOVED_TO", "r", true, 7),
      rec(t.ROOT, "IN_CREATE", "a", true),
    );
    t.modelMatchesDisk();
    expect(t.log.named(dir.join("r/f"), "IN_CREATE").length).toBe(1);
    expect(t.log.named(dir.join("a/g"), "IN_CREATE").length).toBe(1);
    expect(t.engine.stats().watches).toBe(3);
  });

  test("one level down: a directory renamed above a sub-directory between its listing and its watch", () => {
    using dir = tempDir();
    let renamed = false;
    using t = behind(dir.path, (path) => {
      if (path !== dir.join("a/b") || renamed) return;
      renamed = true;
      renameSync(dir.join("a"), dir.join("r")); // mv a r, right before our add_watch of a/b
    });
    mkdirSync(dir.join("a/b"), { recursive: true });
    writeFileSync(dir.join("a/b/f"), "");
    t.read(rec(t.ROOT, "IN_CREATE", "a", true));
    expect(renamed).toBe(true);
    t.read(rec(t.ROOT, "IN_MOVED_FROM", "a", true, 7), rec(t.ROOT, "IN_MOVED_TO", "r", true, 7));
    t.modelMatchesDisk();
    expect(t.log.named(dir.join("r/b/f"), "IN_CREATE").length).toBe(1);
  });

  test("a directory moved to another root is listed for that root's consumers", () => {
    using dir = tempDir();
    mkdirSync(dir.join("one/d/e"), { recursive: true });
    mkdirSync(dir.join("two"));
    writeFileSync(dir.join("one/d/e/f"), "");
    using t = behind(dir.join("one"));
    t.engine.addRoot(dir.join("two"), {});
    const [one, two] = [t.wd(dir.join("one")), t.wd(dir.join("two"))];
    renameSync(dir.join("one/d"), dir.join("two/d"));
    t.read(rec(one, "IN_MOVED_FROM", "d", true, 7), rec(two, "IN_MOVED_TO", "d", true, 7));
    const forTwo = t.log.events.filter((e) => e.root === dir.join("two") && e.kind !== "write");
    expect(forTwo.map((e) => [e.kind, e.path, e.from, e.synthetic])).toEqual([
      ["move", dir.join("two/d"), dir.join("one/d"), undefined],
      ["create", dir.join("two/d/e"), undefined, true],
      ["create", dir.join("two/d/e/f"), undefined, true],
    ]);
  });

  test("a move out, then a new file with the same name: the delete comes first", async () => {
    using dir = tempDir();
    writeFileSync(dir.join("f"), "");
    using t = behind(dir.path);
    t.read(rec(t.ROOT, "IN_MOVED_FROM", "f", false, 7), rec(t.ROOT, "IN_CREATE", "f", false));
    await t.log.until((e) => e.kind === "create", "the new f");
    expect(t.log.events.map(rel(dir.path))).toEqual(["delete f", "create f"]);
    t.modelMatchesDisk();
  });

  test(
    "a watched directory that a listing finds renamed " + "before its events is reported moved, not listed again",
    async () => {
      using dir = tempDir();
      mkdirSync(dir.join("a"));
      writeFileSync(dir.join("a/x"), "");
      using t = behind(dir.path);
      const a = t.wd(dir.join("a"));
      // mkdir n; mv a/x a/z; mv a n/a  (n was not watched yet: the last move has no IN_MOVED_TO)
      mkdirSync(dir.join("n"));
      renameSync(dir.join("a/x"), dir.join("a/z"));
      renameSync(dir.join("a"), dir.join("n/a"));
      t.read(
        rec(t.ROOT, "IN_CREATE", "n", true),
        rec(a, "IN_MOVED_FROM", "x", false, 7),
        rec(a, "IN_MOVED_TO", "z", false, 7),
        rec(t.ROOT, "IN_MOVED_FROM", "a", true, 8),
      );
      await t.log.until((e) => e.kind === "delete", "a moved out (unpaired)");
      // n/a is found by n's listing (a create), then known as a: a move, before a's own events
      expect(t.log.events.map(rel(dir.path))).toEqual([
        "create n",
        "create n/a *",
        "move a *",
        "move n/a from a *",
        "move n/a/x",
        "move n/a/z from n/a/x",
        "delete a",
      ]);
      t.modelMatchesDisk();
    },
  );
});
