// What the watchdog's two threads share: one SharedArrayBuffer, laid out here, and the
// line the watchdog's thread writes when it ends a blocked process. No state, no I/O.
//
//   Int32 header   inFlight, beat, sync, limitMs, overflow
//   Int32 × SLOTS  byte length of each slot's JSON (0: the slot is free)
//   style          where the logs go (JSON of logTargets()), and its length in the header
//   SLOTS slots    one in-flight call each: { hook, subject, key, hangFile, limitMs }

import type { LineStyle } from "../log.ts";

/** Header indices (Int32). */
export const H = {
  /** Calls in flight; the watchdog's thread sleeps on this while it is 0. */
  inFlight: 0,
  /** Bumped by the main thread whenever it is free to (a timer) and at each call's start and return. */
  beat: 1,
  /** The call in its synchronous part: its slot + 1; 0 none; -1 one that has no slot. */
  sync: 2,
  /** How long the beat may stop now. */
  limitMs: 3,
  /** Calls in flight that found no free slot (named only as a count). */
  overflow: 4,
  styleLength: 5,
} as const;

export const SLOTS = 64;
const HEADER_INTS = 8;
const SLOT_BYTES = 2048;
const STYLE_BYTES = 8192;
const LENGTHS = HEADER_INTS; // Int32 index of slot 0's length
const STYLE_AT = (HEADER_INTS + SLOTS) * 4;
const SLOTS_AT = STYLE_AT + STYLE_BYTES;
export const SHARED_BYTES = SLOTS_AT + SLOTS * SLOT_BYTES;

/** The exit status of a process the watchdog ended (EXIT.hookHung). */
export const HUNG_EXIT = 12;

export interface SlotCall {
  hook: string;
  subject?: string;
  key?: string;
  /** Where to record the hang (set when the call has a key and a hang file is configured). */
  hangFile?: string;
  limitMs: number;
}

export interface LogStyle {
  stderr: LineStyle;
  files: string[];
}

export class Shared {
  readonly i32: Int32Array;
  private readonly bytes: Uint8Array;

  constructor(readonly buffer: SharedArrayBuffer) {
    this.i32 = new Int32Array(buffer, 0, HEADER_INTS + SLOTS);
    this.bytes = new Uint8Array(buffer);
  }

  writeSlot(slot: number, call: SlotCall): void {
    const at = SLOTS_AT + slot * SLOT_BYTES;
    let n = this.encode(JSON.stringify(call), at, SLOT_BYTES);
    // a very long path
    if (n === 0) n = this.encode(JSON.stringify({ ...call, subject: call.subject?.slice(0, 200) }), at, SLOT_BYTES);
    Atomics.store(this.i32, LENGTHS + slot, n);
  }

  freeSlot(slot: number): void {
    Atomics.store(this.i32, LENGTHS + slot, 0);
  }

  readSlot(slot: number): SlotCall | undefined {
    const n = Atomics.load(this.i32, LENGTHS + slot);
    return n > 0 ? (this.decode(SLOTS_AT + slot * SLOT_BYTES, n) as SlotCall | undefined) : undefined;
  }

  usedSlots(): SlotCall[] {
    const out: SlotCall[] = [];
    for (let i = 0; i < SLOTS; i++) {
      const c = this.readSlot(i);
      if (c) out.push(c);
    }
    return out;
  }

  writeStyle(style: LogStyle): void {
    Atomics.store(this.i32, H.styleLength, this.encode(JSON.stringify(style), STYLE_AT, STYLE_BYTES));
  }

  readStyle(): LogStyle {
    const n = Atomics.load(this.i32, H.styleLength);
    return (n > 0 ? (this.decode(STYLE_AT, n) as LogStyle | undefined) : undefined) ?? { stderr: "text", files: [] };
  }

  /** Bytes written, or 0 when it does not fit. */
  private encode(text: string, at: number, room: number): number {
    const bytes = new TextEncoder().encode(text);
    if (bytes.length > room) return 0;
    this.bytes.set(bytes, at);
    return bytes.length;
  }

  private decode(at: number, n: number): unknown {
    try {
      return JSON.parse(new TextDecoder().decode(this.bytes.slice(at, at + n)));
    } catch {
      return undefined;
    }
  }
}

/** What the watchdog says when it ends the process: one line. */
export function blockedLine(b: {
  calls: SlotCall[];
  certain: boolean;
  afterAwait: boolean;
  blockedMs: number;
  limitMs: number;
  unnamed: number;
  recorded: string[];
  recordError?: string;
}): string {
  const exiting = `exiting with status ${HUNG_EXIT}`;
  const limit = `limit ${seconds(b.limitMs)}${b.afterAwait ? ", for code after an await" : ""}`;
  const where = b.recorded.length
    ? ` (recorded in ${[...new Set(b.recorded)].join(", ")}: delete the line to run it again)`
    : "";
  const failed = b.recordError ? ` (could not record it: ${b.recordError})` : "";
  if (b.certain && b.calls.length === 1) {
    const c = b.calls[0]!;
    const skip = where ? `; it will be skipped for ${c.key} from now on${where}` : "";
    return `${named(c)} blocked seedwatch for ${seconds(b.blockedMs)} (${limit}): ${exiting}${skip}${failed}`;
  }
  const list = b.calls.map(named).join(", ") + (b.unnamed ? `${b.calls.length ? ", and " : ""}${b.unnamed} more` : "");
  const skip = where ? `; each will be skipped for its key from now on${where}` : "";
  return (
    `seedwatch was blocked for ${seconds(b.blockedMs)} (${limit}) while these were pending, ` +
    `any of which may be the cause: ${list || "user code"}: ${exiting}${skip}${failed}`
  );
}

function named(c: SlotCall): string {
  return `${c.hook}${c.subject ? ` for ${c.subject}` : ""}`;
}

function seconds(ms: number): string {
  return `${ms % 1000 === 0 || ms >= 10_000 ? Math.round(ms / 1000) : (ms / 1000).toFixed(1)} s`;
}
