// Lane on the fake clock: a user plugin's calls in order and one at a time; failures
// logged and, in a row, disabling it; a hung call reported, its later events waiting up
// to the limit and the rest counted; reset() (its file loaded again) taking over.

import { describe, expect, test } from "bun:test";
import { Lane } from "../../../src/plugins/lane.ts";
import { FakeClock, settle } from "../../fakes/clock.ts";

function rig(o: { limit?: number; maxFailures?: number } = {}) {
  const clock = new FakeClock();
  const lines: string[] = [];
  const say =
    (level: string) =>
    (...a: unknown[]) =>
      void lines.push(
        `${level} ${a.map((x) => (typeof x === "object" ? (x as { message: string }).message : x)).join(" ")}`,
      );
  const log = { debug: say("debug"), info: say("info"), warn: say("warn"), error: say("error") };
  const lane = new Lane({ name: "p", timeoutMs: 1000, clock, log, ...o });
  return { clock, lines, lane };
}

describe("Lane", () => {
  test("calls run in order, one at a time, even when each is async", async () => {
    const { lane } = rig();
    const seen: string[] = [];
    let inFlight = 0;
    for (const n of [1, 2, 3])
      lane.push({
        what: "event",
        fn: async () => {
          expect(++inFlight).toBe(1);
          await settle();
          seen.push(`e${n}`);
          inFlight--;
        },
      });
    await lane.idle();
    expect(seen).toEqual(["e1", "e2", "e3"]);
  });

  test(
    "a throw or a rejection is logged with the plugin, the call and its subject; " + "the next call goes on",
    async () => {
      const { lane, lines } = rig();
      const seen: string[] = [];
      lane.push({
        what: "event",
        subject: "create /w/a",
        fn: () => {
          throw new Error("bad a");
        },
      });
      lane.push({ what: "event", subject: "create /w/b", fn: async () => Promise.reject(new Error("bad b")) });
      lane.push({ what: "event", fn: () => void seen.push("c") });
      await lane.idle();
      expect(seen).toEqual(["c"]);
      expect(lines.filter((l) => l.startsWith("error"))).toEqual([
        expect.stringMatching(/^error plugin p event failed for create \/w\/a: bad a/),
        expect.stringMatching(/^error plugin p event failed for create \/w\/b: bad b/),
      ]);
    },
  );

  test(
    "failures in a row disable it with a warning; " + "later events are dropped and counted; reset() enables it",
    async () => {
      const { lane, lines } = rig({ maxFailures: 3 });
      const ok: number[] = [];
      for (let i = 0; i < 3; i++)
        lane.push({
          what: "event",
          fn: () => {
            throw new Error("no");
          },
        });
      await lane.idle();
      expect(lines.at(-1)).toMatch(/^warn plugin p disabled after 3 failures in a row; save its file/);
      for (let i = 0; i < 5; i++) lane.push({ what: "event", fn: () => void ok.push(i) });
      await lane.idle();
      expect(ok).toEqual([]);
      lane.end();
      expect(lines.at(-1)).toBe("warn plugin p: 5 events were dropped while it was disabled");
      lane.push({ what: "event", fn: () => void ok.push(8) });
      lane.reset();
      expect(lines.at(-1)).toBe("warn plugin p: 1 event was dropped while it was disabled");
      lane.push({ what: "event", fn: () => void ok.push(9) });
      await lane.idle();
      expect(ok).toEqual([9]);
    },
  );

  test("a success resets the count of failures in a row", async () => {
    const { lane, lines } = rig({ maxFailures: 2 });
    for (const fail of [true, false, true, false, true])
      lane.push({
        what: "event",
        fn: () => {
          if (fail) throw new Error("x");
        },
      });
    await lane.idle();
    expect(lines.some((l) => l.includes("disabled"))).toBe(false);
  });

  test(
    "a call that never settles is reported hung; " + "later events wait in order up to the limit, the rest are counted",
    async () => {
      const { lane, lines, clock } = rig({ limit: 2 });
      let release!: () => void;
      const seen: string[] = [];
      lane.push({ what: "event", subject: "write /w/stuck", fn: () => new Promise<void>((r) => (release = r)) });
      for (const n of [1, 2, 3, 4]) lane.push({ what: "event", fn: () => void seen.push(`e${n}`) });
      await clock.advance(1000);
      expect(lines).toContainEqual(
        expect.stringMatching(
          /^warn plugin p event did not finish within 1 s for write \/w\/stuck; .*later events wait \(up to 2\)/,
        ),
      );
      expect(lines).toContainEqual(
        expect.stringMatching(/^warn 2 events are waiting for plugin p; later ones are dropped/),
      );
      lane.push({ what: "dead", fn: () => void seen.push("dead") }); // lifecycle calls are never dropped
      expect(seen).toEqual([]);
      await clock.advance(500);
      release();
      await lane.idle();
      expect(seen).toEqual(["e1", "e2", "dead"]);
      expect(lines).toContainEqual("info plugin p event settled after 1.5 s; its events go on");
      expect(lines.at(-1)).toBe("warn plugin p: 2 events were dropped while it was behind");
    },
  );

  test("reset() while a call hangs: the new code takes the queue at once; the old call is forgotten", async () => {
    const { lane, clock } = rig();
    const seen: string[] = [];
    lane.push({ what: "event", fn: () => new Promise(() => {}) });
    lane.push({ what: "event", fn: () => void seen.push("after") });
    await clock.advance(1000);
    expect(seen).toEqual([]);
    lane.reset();
    await lane.idle();
    expect(seen).toEqual(["after"]);
  });
});
