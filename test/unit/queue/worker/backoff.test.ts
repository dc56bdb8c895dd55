// The continuous worker on an empty queue: it looks again after 1 s, 2 s, 4 s … never
// longer than idleMax, and stop() ends the wait at once.

import { expect, test } from "bun:test";
import type { CoordinatorCache } from "../../../../src/queue/worker/cache.ts";
import type { CoordinatorClient } from "../../../../src/queue/worker/coordinator.ts";
import { Seedboxes } from "../../../../src/queue/worker/seedboxes.ts";
import { WorkerService } from "../../../../src/queue/worker/service.ts";
import type { Site } from "../../../../src/queue/worker/sites.ts";
import { FakeClock, settle } from "../../../fakes/clock.ts";

test("an empty queue: capped exponential waits between looks; stop() ends the wait", async () => {
  const clock = new FakeClock();
  const looks: number[] = [];
  const coordinator = {
    url: "http://coordinator",
    whoami: async () => ({ name: "box-a", readOnly: false }),
    leaseAlbums: async () => {
      looks.push(clock.now());
      return [];
    },
    leaseDownloads: async () => [],
    listDownloads: async () => ({ items: [] }),
  } as unknown as CoordinatorClient;
  const site = { name: "fake", host: "fake.example" } as Site;
  const service = new WorkerService({
    coordinator,
    cache: { hits: 0, misses: 0 } as CoordinatorCache,
    sites: [site],
    boxes: new Seedboxes([{ name: "box1", kind: "watch", watch_dir: "/nonexistent" }], () => ({
      name: "box1",
      kind: "watch",
      handOff: async () => ({ infoHash: "" }),
      progress: async () => ({ state: "unknown" }),
      close: async () => {},
    })),
    seedboxFor: () => "box1",
    clock,
    batch: 5,
    idleBaseMs: 1000,
    idleMaxMs: 5000,
    pollEveryMs: 60_000,
  });
  await service.start();
  await settle();
  await clock.advance(30_000);
  expect(looks).toEqual([0, 1000, 3000, 7000, 12_000, 17_000, 22_000, 27_000]);
  const stopped = service.stop();
  await settle();
  await stopped;
  expect(clock.pending).toBe(0);
});
