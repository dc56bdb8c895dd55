// SessionReader: the session files of many hashes, read and parsed on a second thread
// while the main thread writes the index. A cold start of 10,000 torrents is about half
// reading and parsing (open, fstat, read, bdecode, SHA-1 of the info) and half SQLite;
// on a two-core seedbox the two halves now overlap. Small sessions, or a runtime where
// the worker cannot start, read on the main thread: same results, same order.

import type { ReadResult } from "./session.ts";
import { readSession } from "./session.ts";

/** Below this many hashes a thread costs more than it saves. */
const WORKER_MIN = 400;

export interface SessionReader {
  read(hashes: string[]): Promise<Map<string, ReadResult>>;
  close(): void;
}

export function openReader(session: string, count: number): SessionReader {
  if (count >= WORKER_MIN) {
    try {
      return new WorkerReader(session);
    } catch {
      // no worker here: read inline
    }
  }
  return { read: async (hashes) => readAll(session, hashes), close() {} };
}

/** What the worker does for one request (read-worker.ts), also the inline path. */
export function readAll(session: string, hashes: string[]): Map<string, ReadResult> {
  return new Map(hashes.map((h) => [h, readSession(session, h)]));
}

/** The ArrayBuffers a batch of results holds, to move rather than copy them. */
export function transferables(results: Map<string, ReadResult>): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const r of results.values()) {
    if (r.kind !== "ok") continue;
    for (const b of [r.torrent.raw.torrent, r.torrent.raw.rtorrent, r.torrent.raw.resume]) if (b) out.add(b.buffer as ArrayBuffer);
  }
  return [...out];
}

// --- internal ---

class WorkerReader implements SessionReader {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (m: Map<string, ReadResult>) => void; reject: (e: Error) => void }>();
  private next = 0;

  constructor(private readonly session: string) {
    // Inside the binary, worker entry points are named relative to src/ (see build.ts).
    const url = import.meta.url.startsWith("file:///$bunfs/") ? "./rtorrent/read-worker.ts" : new URL("./read-worker.ts", import.meta.url).href;
    this.worker = new Worker(url);
    this.worker.onmessage = (e: MessageEvent<{ id: number; results: Map<string, ReadResult> }>) => {
      this.waiting.get(e.data.id)?.resolve(e.data.results);
      this.waiting.delete(e.data.id);
    };
    this.worker.onerror = (e) => {
      for (const w of this.waiting.values()) w.reject(new Error(`session reader: ${e.message}`));
      this.waiting.clear();
    };
  }

  read(hashes: string[]): Promise<Map<string, ReadResult>> {
    const id = this.next++;
    return new Promise<Map<string, ReadResult>>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, session: this.session, hashes });
    }).catch(() => readAll(this.session, hashes)); // a worker that died: read here instead
  }

  close(): void {
    this.worker.terminate();
  }
}
