// The thread behind checkpointer.ts: its own connection to the queue's file, moving the
// WAL into the database every interval (PASSIVE: never waits for, nor blocks, a writer).
// The fsync a checkpoint ends with happens here, not on the thread answering requests.

import { Database } from "bun:sqlite";

declare const self: Worker;

type Message = { path: string; everyMs: number } | "stop";

let db: Database | undefined;
let timer: ReturnType<typeof setInterval> | undefined;

self.onmessage = (e: MessageEvent<Message>) => {
  if (e.data === "stop") {
    clearInterval(timer);
    checkpoint();
    db?.close();
    self.postMessage({ stopped: true });
    return;
  }
  try {
    db = new Database(e.data.path);
    db.run("PRAGMA busy_timeout = 5000");
  } catch (err) {
    self.postMessage({ error: (err as Error).message });
    return;
  }
  timer = setInterval(checkpoint, e.data.everyMs);
  self.postMessage({ started: true });
};

function checkpoint(): void {
  try {
    db?.query("PRAGMA wal_checkpoint(PASSIVE)").get();
  } catch (err) {
    self.postMessage({ error: (err as Error).message });
  }
}
