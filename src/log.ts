// The one consola root. Modules take `log.withTag("watch")`; library code never calls
// console.*. Three shapes of output, all on stderr so stdout stays for data:
//   - a terminal: consola's own coloured reporter is not used (its import costs ~25 ms of
//     start-up); a compact "tag: message" line with a level word is enough;
//   - no terminal (systemd, cron): one line per record, prefixed "<N>" with the syslog
//     priority when under journald ($JOURNAL_STREAM), so the journal gets levels;
//   - --log-format json: one JSON object per line.
// Tests call `setReporter` with a collector.

import { mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { createConsola, type ConsolaInstance, type ConsolaReporter, type LogObject } from "consola/core";

export type LogFormat = "text" | "json";

// consola's withTag() copies the reporters and the level at the moment it is called, so
// a tagged logger made early would miss a sink added later (a log file, syslog) or a
// verbosity set later. Every logger therefore holds one dispatching reporter, which
// applies the current level and forwards to the current sinks.
let threshold = 3;
const sinks: ConsolaReporter[] = [lineReporter()];
const dispatch: ConsolaReporter = {
  log(o, ctx) {
    if (o.level > threshold) return;
    for (const sink of sinks) sink.log(o, ctx);
  },
};

export const log: ConsolaInstance = createConsola({ level: 5, reporters: [dispatch] });

/** Verbosity as -q/-v count it: -1 errors and warnings only, 0 info, 1 debug, 2+ trace. */
export function setVerbosity(v: number): void {
  threshold = v < 0 ? 1 : v === 0 ? 3 : v === 1 ? 4 : 5;
}

/** Whether records at `level` ("debug", "trace") would be written now: skip building them when not. */
export function logs(level: "debug" | "trace"): boolean {
  return threshold >= (level === "debug" ? 4 : 5);
}

/** The stderr sink's format. */
export function setFormat(format: LogFormat): void {
  sinks[0] = format === "json" ? jsonReporter() : lineReporter();
}

/** Replace every sink (tests collect records this way). */
export function setReporter(reporter: ConsolaReporter): void {
  sinks.splice(0, sinks.length, reporter);
}

/** Another place every record goes (a log file, syslog). */
export function addSink(sink: ConsolaReporter): void {
  sinks.push(sink);
}

export function removeSink(sink: ConsolaReporter): void {
  const i = sinks.indexOf(sink);
  if (i >= 0) sinks.splice(i, 1);
}

/** Also append every record to `path`, one timestamped line each (rtorrent --log-file). */
export function addLogFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, "a");
  addSink({
    log(o) {
      const word = LEVEL_WORD[o.level] ?? o.type;
      writeSync(fd, `${o.date.toISOString()} ${word} ${o.tag ? `${o.tag}: ` : ""}${messageOf(o).replaceAll("\n", " | ")}\n`);
    },
  });
}

// --- internal ---

// consola level numbers → syslog priorities (sd-daemon(3) "<N>" prefixes).
function priority(level: number): number {
  if (level <= 0) return 3; // error, fatal
  if (level === 1) return 4; // warn
  if (level <= 3) return 6; // info, log, success
  return 7; // debug, trace
}

const LEVEL_WORD: Record<number, string> = { 0: "error", 1: "warn", 2: "info", 3: "info", 4: "debug", 5: "trace" };

function messageOf(o: LogObject): string {
  return o.args
    .map((a) => (a instanceof Error ? (a.stack ?? a.message) : typeof a === "string" ? a : Bun.inspect(a)))
    .join(" ");
}

function lineReporter(): ConsolaReporter {
  const journal = !!process.env.JOURNAL_STREAM && !process.stderr.isTTY;
  return {
    log(o) {
      const word = o.type === "success" ? "ok" : (LEVEL_WORD[o.level] ?? o.type);
      const text = `${o.tag ? `${o.tag}: ` : ""}${messageOf(o)}`;
      const lines = journal ? text.replaceAll("\n", " | ") : text;
      process.stderr.write(journal ? `<${priority(o.level)}>${lines}\n` : `${word.padEnd(5)} ${lines}\n`);
    },
  };
}

function jsonReporter(): ConsolaReporter {
  return {
    log(o) {
      const record = { time: o.date.toISOString(), level: LEVEL_WORD[o.level] ?? o.type, tag: o.tag || undefined, msg: messageOf(o) };
      process.stderr.write(`${JSON.stringify(record)}\n`);
    },
  };
}
