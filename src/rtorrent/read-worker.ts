// The worker behind reader.ts: reads and parses session files, moves the bytes back.

import { pack, readAll } from "./reader.ts";

declare const self: Worker;

self.onmessage = (e: MessageEvent<{ id: number; session: string; hashes: string[] }>) => {
  const packed = pack(readAll(e.data.session, e.data.hashes));
  self.postMessage({ id: e.data.id, packed }, [packed.bytes]);
};
