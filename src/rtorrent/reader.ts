// SessionReader: the session files of many hashes, read and parsed on a second thread
// while the main thread writes the index. A cold start of 10,000 torrents is about half
// reading and parsing (open, fstat, read, bdecode, SHA-1 of the info) and half SQLite;
// on a two-core seedbox the two halves now overlap. Small sessions, or a runtime where
// the worker cannot start, read on the main thread: same results, same order.

import type { ReadResult } from "./session.ts";
import { readSession } from "./session.ts";
import { threadUrl } from "../threads.ts";

/** Below this many hashes a thread costs more than it saves. */
const WORKER_MIN = 400;
/** Reader threads. Measured on two cores: one keeps the writing main thread busiest (a second made it slower). */
const WORKERS = 1;

export interface SessionReader {
  read(hashes: string[]): Promise<Map<string, ReadResult>>;
  close(): void;
}

export function openReader(session: string, count: number): SessionReader {
  if (count >= WORKER_MIN) {
    try {
      return new WorkerReader(session, WORKERS);
    } catch {
      // no worker here: read inline
    }
  }
  return { read: async (hashes) => readAll(session, hashes), close() {} };
}

/** Batches a reader thread is given at once, so that it never waits for the next. */
const IN_FLIGHT = 2;

/**
 * Read every batch and hand it to `write`, in the order reading finishes. The reader
 * thread takes batches from the front; this thread, whenever nothing read is waiting to
 * be written, reads a batch from the back itself. Neither waits while work is left (a
 * cold start is CPU-bound on both: reading and decoding on one side, SQLite on the other).
 */
export async function readBatches(
  reader: SessionReader,
  session: string,
  batches: string[][],
  write: (batch: string[], results: Map<string, ReadResult>) => void,
): Promise<void> {
  const todo = batches.map((_, i) => i);
  const flying: { i: number; got?: Map<string, ReadResult>; done: Promise<void> }[] = [];
  for (;;) {
    while (flying.length < IN_FLIGHT && todo.length > 0) {
      const slot: (typeof flying)[number] = { i: todo.shift()!, done: Promise.resolve() };
      slot.done = reader.read(batches[slot.i]!).then((got) => void (slot.got = got));
      flying.push(slot);
    }
    const ready = flying.findIndex((s) => s.got);
    if (ready >= 0) {
      const [s] = flying.splice(ready, 1);
      write(batches[s!.i]!, s!.got!);
    } else if (todo.length > 0) {
      const i = todo.pop()!;
      write(batches[i]!, readAll(session, batches[i]!));
    } else if (flying.length > 0) {
      await Promise.race(flying.map((s) => s.done));
      continue;
    } else return;
    await new Promise((r) => setImmediate(r)); // let the reader's answers in
  }
}

/** What the worker does for one request (read-worker.ts), also the inline path. */
export function readAll(session: string, hashes: string[]): Map<string, ReadResult> {
  return new Map(hashes.map((h) => [h, readSession(session, h)]));
}

/**
 * A batch of results as one message: JSON for the fields (it keeps lone surrogates, so
 * paths stay lossless) and one buffer for every file's bytes, moved, not copied. Cloning
 * the result objects themselves cost the main thread a fifth of a cold start (measured).
 */
export interface Packed {
  json: string;
  bytes: ArrayBuffer;
}

export function pack(results: Map<string, ReadResult>): Packed {
  let total = 0;
  for (const r of results.values()) if (r.kind === "ok") for (const b of raws(r)) total += b?.length ?? 0;
  const bytes = new Uint8Array(total);
  let at = 0;
  const place = (b: Uint8Array | undefined) => {
    if (!b) return null;
    bytes.set(b, at);
    at += b.length;
    return [at - b.length, b.length];
  };
  const entries = [...results].map(([hash, r]) => {
    if (r.kind !== "ok") return [hash, r];
    const [torrent, rtorrent, resume] = raws(r).map(place);
    return [hash, { ...r, torrent: { ...r.torrent, raw: { torrent, rtorrent, resume } } }];
  });
  return { json: JSON.stringify(entries), bytes: bytes.buffer };
}

export function unpack(p: Packed): Map<string, ReadResult> {
  const bytes = new Uint8Array(p.bytes);
  const view = (span: [number, number] | null) => (span ? bytes.subarray(span[0], span[0] + span[1]) : undefined);
  const entries = JSON.parse(p.json) as [string, ReadResult][];
  for (const [, r] of entries) {
    if (r.kind !== "ok") continue;
    const raw = r.torrent.raw as unknown as Record<string, [number, number] | null>;
    r.torrent.raw = { torrent: view(raw.torrent!)!, rtorrent: view(raw.rtorrent!)!, resume: view(raw.resume!) };
  }
  return new Map(entries);
}

function raws(r: Extract<ReadResult, { kind: "ok" }>): (Uint8Array | undefined)[] {
  return [r.torrent.raw.torrent, r.torrent.raw.rtorrent, r.torrent.raw.resume];
}

// --- internal ---

/** Worker threads reading side by side, a batch each in turn. */
class WorkerReader implements SessionReader {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<
    number,
    { resolve: (m: Map<string, ReadResult>) => void; reject: (e: Error) => void }
  >();
  private next = 0;

  constructor(
    private readonly session: string,
    count: number,
  ) {
    const url = threadUrl("rtorrent/read-worker.ts");
    for (let i = 0; i < count; i++) {
      const worker = new Worker(url);
      worker.onmessage = (e: MessageEvent<{ id: number; packed: Packed }>) => {
        this.waiting.get(e.data.id)?.resolve(unpack(e.data.packed));
        this.waiting.delete(e.data.id);
      };
      worker.onerror = (e) => {
        for (const w of this.waiting.values()) w.reject(new Error(`session reader: ${e.message}`));
        this.waiting.clear();
      };
      this.workers.push(worker);
    }
  }

  read(hashes: string[]): Promise<Map<string, ReadResult>> {
    const id = this.next++;
    return new Promise<Map<string, ReadResult>>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.workers[id % this.workers.length]!.postMessage({ id, session: this.session, hashes });
    }).catch(() => readAll(this.session, hashes)); // a worker that died: read here instead
  }

  close(): void {
    for (const w of this.workers) w.terminate();
  }
}
