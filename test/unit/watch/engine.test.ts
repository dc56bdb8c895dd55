// The engine's rules driven by scripted kernel records, on a real temp tree for listings.

import { describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { InotifyEngine, type Kernel, type KernelRecord } from "../../../src/watch/engine.ts";
import { EventLog } from "../../helpers/wait.ts";
import { tempDir } from "../../helpers/tmp.ts";

function scripted(root: string, drain: () => boolean = () => true) {
  const wds = new Map<string, number>();
  const removed: number[] = [];
  let next = 1;
  const kernel: Kernel = {
    addWatch: (path) => {
      if (!wds.has(path)) wds.set(path, next++);
      return wds.get(path)!;
    },
    rmWatch: (wd) => void removed.push(wd),
    beingWritten: () => false,
    drain: () => drain(),
  };
  const log = new EventLog();
  const engine = new InotifyEngine(kernel, { onEvent: log.push });
  engine.addRoot(root, {});
  const rec = (wd: number, event: KernelRecord["event"], name = "", dir = false, cookie = 0): KernelRecord => ({
    wd,
    event,
    dir,
    cookie,
    name: new TextEncoder().encode(name),
  });
  /** Hand records to the engine as one read, and let it handle them. */
  const read = (...records: KernelRecord[]) => {
    engine.feed(records);
    engine.pump();
  };
  return { engine, log, wds, removed, rec, read };
}

describe("InotifyEngine", () => {
  test("a move split across two reads still pairs", () => {
    using dir = tempDir();
    const { engine, log, rec, read } = scripted(dir.path);
    read(rec(1, "IN_MOVED_FROM", "a", false, 9));
    expect(log.events).toEqual([]);
    read(rec(1, "IN_MOVED_TO", "b", false, 9));
    engine.stop();
    expect(log.events.map((e) => [e.names[0], e.kind, e.path, e.from ?? e.to])).toEqual([
      ["IN_MOVED_FROM", "move", `${dir.path}/a`, `${dir.path}/b`],
      ["IN_MOVED_TO", "move", `${dir.path}/b`, `${dir.path}/a`],
    ]);
  });

  test("overflow: an event per root, then a rescan that reports what is there", async () => {
    using dir = tempDir();
    mkdirSync(dir.join("d"));
    writeFileSync(dir.join("d/f"), "");
    const { engine, log, rec, read } = scripted(dir.path);
    read(rec(-1, "IN_Q_OVERFLOW"));
    expect(log.events[0]).toMatchObject({ kind: "overflow", root: dir.path });
    await log.until((e) => e.kind === "rescanned", "rescanned");
    // A lost IN_CLOSE_WRITE cannot be told from none: files are reported written again.
    const found = log.events.filter((e) => e.synthetic).map((e) => `${e.names.join("|")} ${e.path}`);
    expect(found.sort()).toEqual([
      `IN_CLOSE_WRITE ${dir.join("d/f")}`,
      `IN_CREATE ${dir.join("d/f")}`,
      `IN_CREATE|IN_ISDIR ${dir.join("d")}`,
    ]);
    expect(engine.stats().overflows).toBe(1);
  });

  test("an overflow met while a rescan reads the queue is said after that rescan's 'rescanned'", async () => {
    using dir = tempDir();
    mkdirSync(dir.join("d"));
    writeFileSync(dir.join("d/f"), "");
    let again: (() => void) | undefined;
    const { engine, log, rec, read } = scripted(dir.path, () => {
      again?.(); // the rescan's own read of the queue meets a second overflow
      again = undefined;
      return true;
    });
    read(rec(-1, "IN_Q_OVERFLOW"));
    again = () => engine.feed([rec(-1, "IN_Q_OVERFLOW")]);
    await log.until(
      (e) => e.kind === "rescanned" && log.events.filter((x) => x.kind === "rescanned").length === 2,
      "two rescans",
    );
    engine.stop();
    expect(log.events.filter((e) => e.kind === "overflow" || e.kind === "rescanned").map((e) => e.kind)).toEqual([
      "overflow",
      "rescanned",
      "overflow",
      "rescanned",
    ]);
    // A consumer that sets aside a rescan's listing (a change log) can rely on it: every
    // listed entry comes between an overflow and the next "rescanned".
    let open = false;
    for (const e of log.events) {
      if (e.kind === "overflow") open = true;
      else if (e.kind === "rescanned") open = false;
      else if (e.synthetic) expect([e.path, open]).toEqual([e.path, true]);
    }
    expect(engine.stats().overflows).toBe(2);
  });

  test("a long batch reads the kernel queue as it goes, and keeps the order", () => {
    using dir = tempDir();
    const kernelQueue: string[] = Array.from({ length: 3 * 1000 }, (_, i) => `f${i}`);
    const seenAtRead: number[] = [];
    let feedNext = (_n: number) => {};
    const { engine, log, rec, read } = scripted(dir.path, () => {
      seenAtRead.push(log.events.length);
      feedNext(1000);
      return kernelQueue.length === 0;
    });
    feedNext = (n) => engine.feed(kernelQueue.splice(0, n).map((name) => rec(1, "IN_CREATE", name)));
    read(...kernelQueue.splice(0, 1000).map((name) => rec(1, "IN_CREATE", name)));
    engine.stop();
    const created = log.events.filter((e) => e.names[0] === "IN_CREATE").map((e) => e.path);
    expect(created).toEqual(Array.from({ length: 3000 }, (_, i) => dir.join(`f${i}`)));
    // the kernel was read while the first 1,000 were being handled, not only between batches
    expect(seenAtRead.some((n) => n > 0 && n < 1000)).toBe(true);
  });

  test("IN_IGNORED on the root: gone, and every watch is dropped", () => {
    using dir = tempDir();
    mkdirSync(dir.join("sub"));
    const { engine, log, rec, removed, read } = scripted(dir.path);
    read(rec(1, "IN_IGNORED"));
    expect(log.events).toEqual([expect.objectContaining({ kind: "gone", path: dir.path })]);
    expect(engine.roots()).toEqual([]);
    expect(removed.sort()).toEqual([1, 2]);
  });

  test("events of a watch already dropped are ignored", () => {
    using dir = tempDir();
    const { log, rec, read } = scripted(dir.path);
    read(rec(99, "IN_CREATE", "ghost"));
    expect(log.events).toEqual([]);
  });
});
