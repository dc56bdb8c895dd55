// The first index of a big session is built with a rollback journal (store.ts, building):
// killed part-way, it must open again and the next run must complete it; done, it is back
// in WAL mode, which readers beside the daemon rely on.

import { describe, expect, test } from "bun:test";
import { Running, runBin } from "../../helpers/bin.ts";
import { queryIndex } from "../../helpers/index-db.ts";
import { makeTorrent, writeSession } from "../../helpers/rtorrent.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { waitFor } from "../../helpers/wait.ts";

const N = 4000;

describe("a cold index build", () => {
  test("killed part-way, the index opens and the next run completes it; then it is in WAL mode", async () => {
    using dir = tempDir("rtcold");
    const session = dir.join("session");
    const db = dir.join("index.db");
    for (let i = 0; i < N; i++)
      writeSession(session, makeTorrent({ name: `t${i}.bin`, length: i + 1 }), { directory: dir.join("dl") });
    const count = () => queryIndex<{ n: number }>(db, "SELECT COUNT(*) n FROM torrent_data")[0]?.n ?? 0;

    await using first = new Running(["rtorrent", "--once", "--no-log", "--db", db, session]);
    await waitFor(() => count() > 0 || first.proc.exitCode !== null, "the first batch committed");
    expect(first.proc.exitCode).toBeNull(); // still building: killed in the middle
    first.proc.kill("SIGKILL");
    await first.stop();
    const left = count();
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(N);
    expect(queryIndex(db, "PRAGMA integrity_check")).toEqual([{ integrity_check: "ok" }]);

    const again = runBin(["rtorrent", "--once", "--no-log", "--db", db, session]);
    expect(again.stderr).toContain(`${N - left} added`);
    expect(again.code).toBe(0);
    expect(count()).toBe(N);
    expect(queryIndex(db, "PRAGMA integrity_check")).toEqual([{ integrity_check: "ok" }]);
    expect(queryIndex(db, "PRAGMA journal_mode")).toEqual([{ journal_mode: "wal" }]);
  }, 60_000);
});
