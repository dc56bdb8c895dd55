// The pure `struct inotify_event` parser: bytes in, records out. No I/O, no libc.
//
//   struct inotify_event { int wd; uint32_t mask; uint32_t cookie; uint32_t len; char name[len]; }
//
// `name` is NUL-terminated and NUL-padded to `len` bytes; `len` is 0 for events on the
// watched directory itself. Fields are in the host's byte order (little-endian on every
// platform Bun ships for).

import { EVENT_HEADER_SIZE } from "./constants.ts";

export interface InotifyRecord {
  wd: number;
  mask: number;
  cookie: number;
  /** The name's bytes without NUL padding; empty for events on the watched directory. */
  name: Uint8Array;
}

export interface Parsed {
  records: InotifyRecord[];
  /** Bytes consumed by whole records; a truncated record at the end is left unread. */
  consumed: number;
}

const EMPTY = new Uint8Array(0);

/**
 * Parse the first `n` bytes of `bytes`. Names are copied, so the caller may reuse the
 * buffer. A record whose header or name runs past `n` is not returned.
 */
export function parseEvents(bytes: Uint8Array, n: number = bytes.length): Parsed {
  const view = new DataView(bytes.buffer, bytes.byteOffset, Math.min(n, bytes.length));
  const end = view.byteLength;
  const records: InotifyRecord[] = [];
  let off = 0;
  while (off + EVENT_HEADER_SIZE <= end) {
    const len = view.getUint32(off + 12, true);
    const nameStart = off + EVENT_HEADER_SIZE;
    if (nameStart + len > end) break;
    let nameEnd = nameStart;
    while (nameEnd < nameStart + len && bytes[nameEnd] !== 0) nameEnd++;
    records.push({
      wd: view.getInt32(off, true),
      mask: view.getUint32(off + 4, true),
      cookie: view.getUint32(off + 8, true),
      name: nameEnd > nameStart ? bytes.slice(nameStart, nameEnd) : EMPTY,
    });
    off = nameStart + len;
  }
  return { records, consumed: off };
}
