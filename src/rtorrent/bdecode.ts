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
        const k = key();
        const start = pos;
        dict[k] = parse(depth + 1);
        if (depth === 0 && k === "info") info = [start, pos];
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
    const neg = buf[start] === 0x2d; // "-"
    const first = neg ? start + 1 : start;
    const digits = end - first;
    // Canonical only: no empty, no leading zero (but "0"), no "-0".
    if (digits === 0 || (buf[first] === 0x30 && (digits > 1 || neg)) || !allDigits(first, end)) {
      throw new BencodeError(
        `malformed integer ${JSON.stringify(String.fromCharCode(...buf.subarray(start, end)))}`,
        start,
      );
    }
    pos = end + 1;
    if (digits <= 15) {
      let n = 0;
      for (let i = first; i < end; i++) n = n * 10 + (buf[i]! - 0x30);
      return neg ? -n : n;
    }
    const text = String.fromCharCode(...buf.subarray(start, end));
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : BigInt(text);
  }

  function bytes(): Uint8Array {
    const start = pos;
    let len = 0;
    let i = start;
    for (; i < buf.length && i - start <= 15; i++) {
      const c = buf[i]!;
      if (c === 0x3a) break;
      if (c < 0x30 || c > 0x39 || (i > start && buf[start] === 0x30))
        throw new BencodeError("malformed string length", start);
      len = len * 10 + (c - 0x30);
    }
    if (i === start || buf[i] !== 0x3a) throw new BencodeError("malformed string length", start);
    if (i + 1 + len > buf.length) throw new BencodeError(`string of ${len} bytes runs past the end`, start);
    pos = i + 1 + len;
    return buf.subarray(i + 1, pos);
  }

  function allDigits(from: number, to: number): boolean {
    for (let i = from; i < to; i++) if (buf[i]! < 0x30 || buf[i]! > 0x39) return false;
    return true;
  }

  /** A dict key: short ASCII in practice, decoded without a TextDecoder call. */
  function key(): string {
    const b = bytes();
    if (b.length > 32) return utf8.decode(b);
    let s = "";
    for (let i = 0; i < b.length; i++) {
      if (b[i]! >= 0x80) return utf8.decode(b);
      s += String.fromCharCode(b[i]!);
    }
    return s;
  }
}

// --- accessors that tolerate missing or mistyped keys ---

export function isDict(v: BValue | undefined): v is BDict {
  return typeof v === "object" && v !== null && !(v instanceof Uint8Array) && !Array.isArray(v);
}

export function str(v: BValue | undefined): string | undefined {
  if (!(v instanceof Uint8Array)) return undefined;
  if (v.length <= 64) {
    let s = "";
    let i = 0;
    for (; i < v.length && v[i]! < 0x80; i++) s += String.fromCharCode(v[i]!);
    if (i === v.length) return s; // ASCII: no decoder call
  }
  return utf8.decode(v);
}

export function int(v: BValue | undefined): number | undefined {
  return typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : undefined;
}
