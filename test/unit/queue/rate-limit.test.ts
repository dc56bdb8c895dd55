// The sliding-window limiter on a fake clock: the window counts from each answer, a
// request in flight holds its slot, a penalty closes every slot, waiters keep their order.

import { expect, test } from "bun:test";
import { DEFAULT_RATE_LIMIT, RateLimiter } from "../../../src/queue/gazelle/rate-limit.ts";
import { FakeClock, settle } from "../../fakes/clock.ts";

function rig(requests = 2, windowMs = 1000) {
  const clock = new FakeClock();
  const limiter = new RateLimiter({ requests, windowMs }, clock);
  const started: number[] = [];
  const finish: (() => void)[] = [];
  const run = (id: number) =>
    limiter.run(
      () =>
        new Promise<void>((resolve) => {
          started.push(id);
          finish[id] = resolve;
        }),
    );
  return { clock, limiter, started, finish, run };
}

test("the default is 5 requests per 10 s", () => {
  expect(DEFAULT_RATE_LIMIT).toEqual({ requests: 5, windowMs: 10_000 });
});

test("a slot frees a window after its answer, not after its request", async () => {
  const r = rig(2, 1000);
  const all = [0, 1, 2].map((i) => r.run(i));
  await settle();
  expect(r.started).toEqual([0, 1]);
  await r.clock.advance(500);
  r.finish[0]!(); // answered at t=500
  await settle();
  await r.clock.advance(999);
  expect(r.started).toEqual([0, 1]);
  await r.clock.advance(1);
  expect(r.started).toEqual([0, 1, 2]);
  r.finish[1]!();
  r.finish[2]!();
  await Promise.all(all);
});

test("requests still in flight hold their slots however long they take", async () => {
  const r = rig(1, 100);
  const a = r.run(0);
  const b = r.run(1);
  await r.clock.advance(10_000);
  expect(r.started).toEqual([0]);
  r.finish[0]!();
  await settle();
  await r.clock.advance(100);
  expect(r.started).toEqual([0, 1]);
  r.finish[1]!();
  await Promise.all([a, b]);
});

test("a penalty (the site said 'rate limit exceeded') closes every slot for a window", async () => {
  const r = rig(5, 1000);
  r.limiter.penalise();
  const a = r.run(0);
  await r.clock.advance(999);
  expect(r.started).toEqual([]);
  await r.clock.advance(1);
  expect(r.started).toEqual([0]);
  r.finish[0]!();
  await a;
});

test("waiters are served in the order they came", async () => {
  const r = rig(1, 10);
  const runs = [0, 1, 2, 3].map((i) => r.run(i));
  for (let i = 0; i < 4; i++) {
    await settle();
    r.finish[i]!();
    await settle();
    await r.clock.advance(10);
  }
  await Promise.all(runs);
  expect(r.started).toEqual([0, 1, 2, 3]);
});

test("a bad limit is refused", () => {
  expect(() => new RateLimiter({ requests: 0, windowMs: 10 })).toThrow(RangeError);
  expect(() => new RateLimiter({ requests: 1, windowMs: 0 })).toThrow(RangeError);
});
