// Heartbeat: held leases are extended every interval while held, a lease the coordinator
// no longer recognises is dropped and reported lost, a failed extend is tried again at
// the next beat, and nothing beats once every lease is released.

import { expect, test } from "bun:test";
import type { LeaseRef, Outcome } from "../../../../src/queue/model.ts";
import { Heartbeat, MIN_BEAT_MS } from "../../../../src/queue/worker/heartbeat.ts";
import { FakeClock } from "../../../fakes/clock.ts";

function rig(answer: (refs: LeaseRef[]) => Outcome[] | Error) {
  const clock = new FakeClock();
  const calls: number[][] = [];
  const beat = new Heartbeat(
    "album",
    async (refs) => {
      calls.push(refs.map((r) => r.id));
      const a = answer(refs);
      if (a instanceof Error) throw a;
      return a;
    },
    clock,
    1000,
  );
  return { clock, calls, beat };
}

test("a third of the lease, never less than MIN_BEAT_MS", () => {
  expect(Heartbeat.interval(3_600_000)).toBe(1_200_000);
  expect(Heartbeat.interval(300)).toBe(MIN_BEAT_MS);
});

test("held leases are extended every interval, and not once all are released", async () => {
  const { clock, calls, beat } = rig((refs) => refs.map(() => "ok"));
  beat.hold([
    { id: 1, lease: "a" },
    { id: 2, lease: "b" },
  ]);
  await clock.advance(999);
  expect(calls).toEqual([]);
  await clock.advance(1);
  expect(calls).toEqual([[1, 2]]);
  beat.release(1);
  await clock.advance(1000);
  expect(calls).toEqual([[1, 2], [2]]);
  beat.release(2);
  await clock.advance(5000);
  expect(calls.length).toBe(2);
  expect(clock.pending).toBe(0);
});

test("a lease the coordinator calls lost is dropped and reported; a failed extend is tried again", async () => {
  let fail = true;
  const { clock, calls, beat } = rig((refs) =>
    fail ? new Error("coordinator down") : refs.map((r) => (r.id === 1 ? "lost-lease" : "ok")),
  );
  beat.hold([
    { id: 1, lease: "a" },
    { id: 2, lease: "b" },
  ]);
  await clock.advance(1000);
  expect(beat.isLost(1)).toBe(false);
  fail = false;
  await clock.advance(1000);
  expect(beat.isLost(1)).toBe(true);
  expect(beat.isLost(2)).toBe(false);
  await clock.advance(1000);
  expect(calls).toEqual([[1, 2], [1, 2], [2]]);
  await beat.stop();
  await clock.advance(5000);
  expect(calls.length).toBe(3);
});
