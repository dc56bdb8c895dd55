// Which user calls blocked the process before. When the watchdog ends a blocked process,
// its thread appends one JSON line per culprit to the hang file (for rtorrent: beside the
// index, `<db>.hung`); later runs read it and skip that hook for that key, so a service
// manager's restart does not run into the same hang again, and again. A user clears a
// skip by deleting its line, or the file.

import { existsSync, readFileSync } from "node:fs";
import { log } from "../log.ts";

export interface HangRecord {
  time: string;
  /** What was called, as logged: "hook post_add". */
  hook: string;
  /** What it was called for, as remembered: a torrent's hash. */
  key: string;
  /** As users know it: `<HASH> "name"`. */
  subject?: string;
  blockedMs: number;
  limitMs: number;
  /** False when the block came after an await and other calls were pending too: any of them may have done it. */
  certain: boolean;
}

let file: string | undefined;
let known = new Map<string, HangRecord>();

/** Remember hangs in `path` (undefined: nowhere). Reads what earlier runs recorded there. */
export function setHangFile(path: string | undefined): void {
  file = path;
  known = path ? readHangs(path) : new Map();
}

export function hangFile(): string | undefined {
  return file;
}

/** The record of an earlier hang of `hook` for `key`, if there is one. */
export function hungBefore(hook: string, key: string): HangRecord | undefined {
  return known.get(id(hook, key));
}

/** One line of the hang file. */
export function hangLine(r: HangRecord): string {
  return `${JSON.stringify(r)}\n`;
}

// --- internal ---

function id(hook: string, key: string): string {
  return `${hook}\0${key}`;
}

/** Every well-formed line; a line a user mangled is ignored (it skips nothing). */
function readHangs(path: string): Map<string, HangRecord> {
  const out = new Map<string, HangRecord>();
  let text = "";
  try {
    if (existsSync(path)) text = readFileSync(path, "utf8");
  } catch (err) {
    log
      .withTag("hooks")
      .warn(`cannot read ${path}: ${(err as Error).message}; no hook is skipped for having blocked before`);
  }
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line) as HangRecord;
      if (typeof r?.hook === "string" && typeof r.key === "string") out.set(id(r.hook, r.key), r);
    } catch {
      // not a record
    }
  }
  return out;
}
