// The engine's own timers on a FakeClock: the move window, the rescan delay after an
// overflow and its backoff. Nothing here waits for real time.

import { describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { InotifyEngine, type Kernel, type KernelRecord } from "../../../src/watch/engine.ts";
import { MOVE_PAIR_WINDOW_MS } from "../../../src/watch/moves.ts";
import { FakeClock } from "../../fakes/clock.ts";
import { EventLog } from "../../helpers/wait.ts";
import { tempDir } from "../../helpers/tmp.ts";

function clocked(root: string) {
  const kernel: Kernel = { addWatch: () => 1, rmWatch: () => {}, beingWritten: () => false, drain: () => true };
  const clock = new FakeClock();
  const log = new EventLog();
  const engine = new InotifyEngine(kernel, { onEvent: log.push }, clock);
  engine.addRoot(root, { recursive: false });
  const rec = (event: KernelRecord["event"], name = "", cookie = 0): KernelRecord => ({
    wd: event === "IN_Q_OVERFLOW" ? -1 : 1,
    event,
    dir: false,
    cookie,
    name: new TextEncoder().encode(name),
  });
  const read = (...records: KernelRecord[]) => {
    engine.feed(records);
    engine.pump();
  };
  return { engine, clock, log, rec, read };
}

describe("InotifyEngine on a fake clock", () => {
  test(
    "an IN_MOVED_FROM without partner waits the move window, " + "then is a delete; what follows waits behind it",
    async () => {
      using dir = tempDir();
      const { engine, clock, log, rec, read } = clocked(dir.path);
      read(rec("IN_MOVED_FROM", "a", 7), rec("IN_CREATE", "b"));
      expect(log.events).toEqual([]);
      await clock.advance(MOVE_PAIR_WINDOW_MS - 1);
      expect(log.events).toEqual([]);
      await clock.advance(1);
      expect(log.events.map((e) => [e.kind, e.path])).toEqual([
        ["delete", dir.join("a")],
        ["create", dir.join("b")],
      ]);
      engine.stop();
    },
  );

  test("the partner read within the window pairs the move, and the wait is called off", async () => {
    using dir = tempDir();
    const { engine, clock, log, rec, read } = clocked(dir.path);
    read(rec("IN_MOVED_FROM", "a", 7));
    await clock.advance(10);
    read(rec("IN_MOVED_TO", "b", 7));
    expect(log.events.map((e) => [e.kind, e.path])).toEqual([
      ["move", dir.join("a")],
      ["move", dir.join("b")],
    ]);
    await clock.advance(1000);
    expect(log.events).toHaveLength(2);
    engine.stop();
  });

  test("an overflow rescans after 20 ms; overflows that keep coming double the delay", async () => {
    using dir = tempDir();
    mkdirSync(dir.join("d"));
    const { engine, clock, log, rec, read } = clocked(dir.path);
    const rescans = () => log.events.filter((e) => e.kind === "rescanned").length;
    read(rec("IN_Q_OVERFLOW"));
    await clock.advance(19);
    expect(rescans()).toBe(0);
    await clock.advance(1);
    expect(rescans()).toBe(1);
    expect(log.named(dir.join("d"), "IN_CREATE")).toHaveLength(1);
    read(rec("IN_Q_OVERFLOW")); // within a second of the last rescan: still coming
    await clock.advance(39);
    expect(rescans()).toBe(1);
    await clock.advance(1);
    expect(rescans()).toBe(2);
    expect(clock.pending).toBe(0);
    engine.stop();
  });
});
