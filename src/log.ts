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

export const log: ConsolaInstance = createConsola({ level: 3, reporters: [lineReporter()] });

/** Verbosity as -q/-v count it: -1 errors and warnings only, 0 info, 1 debug, 2+ trace. */
export function setVerbosity(v: number): void {
  log.level = v < 0 ? 1 : v === 0 ? 3 : v === 1 ? 4 : 5;
}

export function setFormat(format: LogFormat): void {
  log.setReporters([format === "json" ? jsonReporter() : lineReporter()]);
}

export function setReporter(reporter: ConsolaReporter): void {
  log.setReporters([reporter]);
}

/** Also append every record to `path`, one timestamped line each (rtorrent --log-file). */
export function addLogFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, "a");
  log.addReporter({
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
