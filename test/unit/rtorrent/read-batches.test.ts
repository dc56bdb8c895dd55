// readBatches: a cold start reads on two threads and writes on one. Every batch must be
// written exactly once, whoever read it, and this thread must not sit idle while a slow
// reader holds batches it has not answered yet.

import { expect, test } from "bun:test";
import { readBatches, type SessionReader } from "../../../src/rtorrent/reader.ts";
import type { ReadResult } from "../../../src/rtorrent/session.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { waitFor } from "../../helpers/wait.ts";

test("each batch written once; while the reader is slow, this thread reads from the back", async () => {
  using dir = tempDir("batches"); // an empty session: every hash reads as absent
  const batches = Array.from({ length: 7 }, (_, i) => [`${i}`.padStart(40, "0"), `${i}`.padStart(40, "1")]);
  const asked: string[][] = [];
  const answers: (() => void)[] = [];
  const slow: SessionReader = {
    read(hashes) {
      asked.push(hashes);
      return new Promise<Map<string, ReadResult>>((resolve) =>
        answers.push(() => resolve(new Map(hashes.map((h) => [h, { kind: "absent" }])))),
      );
    },
    close() {},
  };
  const written: string[][] = [];
  const done = readBatches(slow, dir.path, batches, (batch, results) => {
    expect([...results.keys()]).toEqual(batch);
    written.push(batch);
  });
  // The reader got the first two; this thread read the other five itself, from the back.
  await waitFor(() => written.length === 5, "this thread read what the reader did not take");
  expect(asked).toEqual([0, 1].map((i) => batches[i]!));
  expect(written).toEqual([6, 5, 4, 3, 2].map((i) => batches[i]!));
  for (const answer of answers) answer();
  await done;
  expect(written.map((b) => batches.indexOf(b)).sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
});
