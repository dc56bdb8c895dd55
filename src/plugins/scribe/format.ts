// Scribe's lines, pure: iObserver's sentences ("<time> scribe: <dir>: file '<name>' was
// CREATED"), a rename as one "MOVE events matched" line, the watch's own life, lost
// events; or one JSON object per line. Every name is escaped so that one event is always
// one line and the line can be read back to the exact bytes (unescapeName).

import { eventObject, lastElement, parentPath, showPath, type FsEvent } from "../../events/index.ts";

export type ScribeFormat = "text" | "json";

/** What a line is about, besides an event: the watch's own life. */
export type WatchNote = "started" | "stopped" | "lost" | "rescanned";

/** iObserver's sentences, by event name ("%s" is "file" or "directory", then the quoted name). */
const SENTENCES: Record<string, string> = {
  IN_ACCESS: "%s was ACCESSED",
  IN_ATTRIB: "The METADATA for %s was changed",
  IN_CLOSE_NOWRITE: "%s was CLOSED without being written to",
  IN_CLOSE_WRITE: "%s was CLOSED",
  IN_CREATE: "%s was CREATED",
  IN_DELETE: "%s was DELETED",
  IN_DELETE_SELF: "watched %s was itself DELETED",
  IN_MODIFY: "%s was MODIFIED",
  IN_MOVE_SELF: "watched %s was itself MOVED",
  IN_UNMOUNT: "watched %s was itself UNMOUNTED",
  IN_MOVED_FROM: "%s just MOVED OUT",
  IN_MOVED_TO: "%s just MOVED IN",
  IN_OPEN: "%s was OPENED",
};

const NOTES: Record<WatchNote, string> = {
  started: "WATCH STARTED",
  stopped: "WATCH STOPPED",
  lost: "events were LOST (the kernel's event queue overflowed); rescanning",
  rescanned: "RESCANNED after lost events (changes made meanwhile are not itemised)",
};

/** Each sentence cut at its "%s": what goes before the subject and after it. */
const SENTENCE_PARTS: Record<string, [string, string]> = Object.fromEntries(
  Object.entries(SENTENCES).map(([name, s]) => [name, s.split("%s", 2) as [string, string]]),
);

/** Every character escapeName may change (a superset: it also matches the low half of a valid pair). */
const MAY_ESCAPE = /[\\\x00-\x1f\x7f'\uDC80-\uDCFF]/;

/** A name or path as it stands in a text line: showPath's escapes, and ' as \'. */
export function escapeName(name: string): string {
  if (!MAY_ESCAPE.test(name)) return name; // most names: nothing to escape, no copy
  return showPath(name).replaceAll("'", "\\'");
}

/** escapeName's inverse: the lossless string (events/path.ts) back. */
export function unescapeName(text: string): string {
  return text.replace(/\\(x[0-9a-f]{2}|.)/g, (_, e: string) => {
    if (e === "n") return "\n";
    if (e === "t") return "\t";
    if (e.length === 3) {
      const code = Number.parseInt(e.slice(1), 16);
      return String.fromCharCode(code >= 0x80 ? 0xdc00 + code : code);
    }
    return e; // \\ and \'
  });
}

/** The line for one event (without the newline); undefined for an event with no sentence. */
export function eventLine(ev: FsEvent, now: Date, format: ScribeFormat): string | undefined {
  if (format === "json") return JSON.stringify(eventObject(ev, now));
  const parts = SENTENCE_PARTS[ev.names[0] ?? ""];
  if (!parts) return undefined;
  const what = `${ev.dir ? "directory" : "file"} '${escapeName(lastElement(ev.path))}'`;
  return `${stamp(now)} scribe: ${escapeName(parentPath(ev.path))}: ${parts[0]}${what}${parts[1]}`;
}

/** One line for a rename (both halves of a paired move). */
export function moveLine(from: string, to: string, ev: FsEvent, now: Date, format: ScribeFormat): string {
  if (format === "json")
    return JSON.stringify({
      ...eventObject({ ...ev, path: from, to, names: ["IN_MOVED_FROM", "IN_MOVED_TO"] }, now),
      from: undefined,
    });
  const what = ev.dir ? "directory" : "file";
  return `${stamp(now)} scribe: MOVE events matched: ${what} '${escapeName(from)}' was moved to '${escapeName(to)}'`;
}

/** A line about the watch of `root` itself. */
export function noteLine(note: WatchNote, root: string, now: Date, format: ScribeFormat): string {
  if (format === "json") return JSON.stringify({ time: now.toISOString(), kind: note, root });
  return `${stamp(now)} scribe: ${escapeName(root)}: ${NOTES[note]}`;
}

// --- internal ---

/** The last time stamped, by its ms: a burst has many events in one millisecond. */
let stampedMs = Number.NaN;
let stamped = "";

/** now.toISOString(), formatted once per millisecond (an invalid date throws, as it did). */
function stamp(now: Date): string {
  const ms = now.getTime();
  if (ms !== stampedMs) {
    stamped = now.toISOString();
    stampedMs = ms;
  }
  return stamped;
}
