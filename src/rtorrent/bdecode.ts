// A strict bencode decoder that remembers where the top-level "info" value lies, so the
// info-hash is the SHA-1 of its exact bytes (re-encoding is wrong for non-canonical
// files). The `bencode` package cannot do that, silently accepts truncated strings
// ("5:ab"), loses integers above 2^53 and lets a "__proto__" key set the prototype
// (measured in bun-platform.md §4); every error here carries its byte offset.

export type BValue = Uint8Array | number | bigint | BValue[] | BDict;
export interface BDict {
  [key: string]: BValue;
}

export class BencodeError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at byte ${offset}`);
    this.name = "BencodeError";
  }
}

export interface Decoded {
  value: BValue;
  /** [start, end) of the top-level dict's "info" value, when there is one. */
  info?: [number, number];
}

const MAX_DEPTH = 512;
const utf8 = new TextDecoder("utf-8", { fatal: false });

export function bdecode(buf: Uint8Array): Decoded {
  if (buf.length === 0) throw new BencodeError("empty input", 0);
  let pos = 0;
  let info: [number, number] | undefined;

  const value = parse(0);
  if (pos !== buf.length) throw new BencodeError("trailing data after the value", pos);
  return info ? { value, info } : { value };

  function parse(depth: number): BValue {
    if (depth > MAX_DEPTH) throw new BencodeError("nested too deeply", pos);
    const c = buf[pos];
    if (c === undefined) throw new BencodeError("truncated", pos);
    if (c === 0x69 /* i */) return integer();
    if (c >= 0x30 && c <= 0x39) return bytes();
    if (c === 0x6c /* l */) {
      pos++;
      const list: BValue[] = [];
      while (buf[pos] !== 0x65 /* e */) {
        if (pos >= buf.length) throw new BencodeError("unterminated list", pos);
        list.push(parse(depth + 1));
      }
      pos++;
      return list;
    }
    if (c === 0x64 /* d */) {
      pos++;
      const dict: BDict = Object.create(null);
      while (buf[pos] !== 0x65) {
        if (pos >= buf.length) throw new BencodeError("unterminated dictionary", pos);
        const key = utf8.decode(bytes());
        const start = pos;
        dict[key] = parse(depth + 1);
        if (depth === 0 && key === "info") info = [start, pos];
      }
      pos++;
      return dict;
    }
    throw new BencodeError(`unexpected byte 0x${c.toString(16).padStart(2, "0")}`, pos);
  }

  function integer(): number | bigint {
    const start = ++pos;
    const end = buf.indexOf(0x65, start);
    if (end < 0) throw new BencodeError("unterminated integer", start);
    const text = String.fromCharCode(...buf.subarray(start, end));
    if (!/^(0|-?[1-9][0-9]*)$/.test(text)) throw new BencodeError(`malformed integer ${JSON.stringify(text)}`, start);
    pos = end + 1;
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : BigInt(text);
  }

  function bytes(): Uint8Array {
    const start = pos;
    const colon = buf.indexOf(0x3a, start);
    if (colon < 0 || colon - start > 15) throw new BencodeError("malformed string length", start);
    const text = String.fromCharCode(...buf.subarray(start, colon));
    if (!/^(0|[1-9][0-9]*)$/.test(text)) throw new BencodeError(`malformed string length ${JSON.stringify(text)}`, start);
    const len = Number(text);
    if (colon + 1 + len > buf.length) throw new BencodeError(`string of ${len} bytes runs past the end`, start);
    pos = colon + 1 + len;
    return buf.subarray(colon + 1, pos);
  }
}

// --- accessors that tolerate missing or mistyped keys ---

export function isDict(v: BValue | undefined): v is BDict {
  return typeof v === "object" && v !== null && !(v instanceof Uint8Array) && !Array.isArray(v);
}

export function str(v: BValue | undefined): string | undefined {
  return v instanceof Uint8Array ? utf8.decode(v) : undefined;
}

export function int(v: BValue | undefined): number | undefined {
  return typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : undefined;
}
