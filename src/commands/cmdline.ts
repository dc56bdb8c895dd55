// The command line, byte for byte. Imported by main.ts before any verb, so it stays
// small (no citty).

import { readFileSync } from "node:fs";
import { decodePath } from "../events/path.ts";

/**
 * The arguments as the kernel holds them. process.argv decodes them as UTF-8 and turns
 * bytes that are not into U+FFFD, so a path given on the command line would name another
 * file; /proc/self/cmdline has the bytes, decoded here losslessly (events/path.ts).
 */
export function losslessArgs(args: readonly string[]): string[] {
  if (!args.some((a) => a.includes("\uFFFD"))) return [...args];
  let raw: Buffer;
  try {
    raw = readFileSync("/proc/self/cmdline");
  } catch {
    return [...args];
  }
  const words: Buffer[] = [];
  for (let start = 0; start < raw.length; ) {
    const end = raw.indexOf(0, start);
    words.push(raw.subarray(start, end < 0 ? raw.length : end));
    start = end < 0 ? raw.length : end + 1;
  }
  const tail = words.slice(words.length - args.length);
  const utf8 = new TextDecoder();
  if (tail.length !== args.length || tail.some((w, i) => utf8.decode(w) !== args[i])) return [...args];
  return tail.map((w) => decodePath(w));
}
