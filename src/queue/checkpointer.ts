// WAL checkpoints off the request thread. SQLite's automatic checkpoint runs inside the
// commit that crosses 1000 pages and ends with an fsync; on a disk where fsync is slow
// (ext4 with discard here) that stalled every request behind it and cost the coordinator
// 40% of its throughput (measured: bench/queue.ts). `queue serve` turns the automatic
// checkpoint off and lets a thread of its own checkpoint every second. Should the thread
// not start, the automatic checkpoint stays on: slower, never wrong.

import type { Database } from "bun:sqlite";
import { log } from "../log.ts";
import { threadUrl } from "../threads.ts";

const EVERY_MS = 1000;

export class WalCheckpointer {
  private worker: Worker | undefined;

  /** Start checkpointing `path` for the connection `db`. */
  async start(db: Database, path: string): Promise<void> {
    const url = threadUrl("queue/checkpoint-thread.ts");
    try {
      const worker = new Worker(url);
      worker.postMessage({ path, everyMs: EVERY_MS });
      const started = await new Promise<{ started?: boolean; error?: string }>((resolve) => {
        worker.onmessage = (e) => resolve(e.data);
        worker.onerror = (e) => resolve({ error: e.message });
      });
      if (started.error) throw new Error(started.error);
      worker.onmessage = (e) => {
        if (e.data?.error) log.withTag("queue").warn(`WAL checkpoint failed: ${e.data.error}`);
      };
      worker.unref();
      db.run("PRAGMA wal_autocheckpoint = 0");
      this.worker = worker;
    } catch (err) {
      log.withTag("queue").warn(`checkpoints stay on the request thread: ${(err as Error).message}`);
    }
  }

  /** A last checkpoint, then the thread ends. */
  async stop(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    this.worker = undefined;
    w.ref(); // the process waits for the last checkpoint
    await new Promise<void>((resolve) => {
      w.onmessage = (e) => e.data?.stopped && resolve();
      w.postMessage("stop");
    });
    w.terminate();
  }
}
