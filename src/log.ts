// The one consola root. Modules take `log.withTag("watch")`; library code never calls
// console.*. Three shapes of output, all on stderr so stdout stays for data:
//   - a terminal: consola's own coloured reporter is not used (its import costs ~25 ms of
//     start-up); a compact "tag: message" line with a level word is enough;
//   - no terminal (systemd, cron): one line per record, prefixed "<N>" with the syslog
//     priority when under journald ($JOURNAL_STREAM), so the journal gets levels;
//   - --log-format json: one JSON object per line.
// A record may carry a stack (`withStack`): text shows it only at -v (debug), indented
// under its line; JSON always has it, as one `stack` field. Tests call `setReporter` with
// a collector. `formatLine` is pure, so the hook watchdog's thread can write a last line
// in the same shape while the main thread is stuck.

import { mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { createConsola, type ConsolaInstance, type ConsolaReporter, type LogObject } from "consola/core";

export type LogFormat = "text" | "json";
/** How a line is shaped: stderr on a terminal or under cron ("text"), under journald, JSON, or a log file. */
export type LineStyle = "text" | "journal" | "json" | "file";

/** One record, as `formatLine` needs it. */
export interface LogLine {
  date: Date;
  /** consola's level number: 0 error, 1 warn, 3 info, 4 debug. */
  level: number;
  type: string;
  tag: string;
  msg: string;
  stack?: string | undefined;
}

// consola's withTag() copies the reporters and the level at the moment it is called, so
// a tagged logger made early would miss a sink added later (a log file, syslog) or a
// verbosity set later. Every logger therefore holds one dispatching reporter, which
// applies the current level and forwards to the current sinks.
let threshold = 3;
let format: LogFormat = "text";
let stderrStyle: LineStyle | undefined; // decided at the first record (journald or not)
const logFiles: string[] = [];
const sinks: ConsolaReporter[] = [stderrReporter()];
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
export function setFormat(f: LogFormat): void {
  format = f;
  stderrStyle = undefined;
  sinks[0] = stderrReporter();
}

/** Where records go now, for a thread that must write one line itself (the hook watchdog). */
export function logTargets(): { stderr: LineStyle; files: string[] } {
  return { stderr: styleNow(), files: [...logFiles] };
}

/**
 * A record with a stack: `log.warn(withStack("hook post_add failed …", stack))`. The stack
 * shows under the line at -v, and as a `stack` field in JSON. (consola would take a
 * `stack` key for an Error, hence `trace`.)
 */
export function withStack(message: string, stack: string | undefined): string | { message: string; trace: string } {
  return stack ? { message, trace: stack } : message;
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
  logFiles.push(path);
  addSink({ log: (o) => void writeSync(fd, formatLine("file", lineOf(o), threshold >= 4)) });
}

/** One record as one line (a stack, when shown, adds indented lines in "text" only). */
export function formatLine(style: LineStyle, r: LogLine, showStack: boolean): string {
  const word = r.type === "success" ? "ok" : (LEVEL_WORD[r.level] ?? r.type);
  const text = `${r.tag ? `${r.tag}: ` : ""}${r.msg}`;
  const stack = showStack && r.stack ? r.stack : undefined;
  switch (style) {
    case "json":
      return `${JSON.stringify({
        time: r.date.toISOString(),
        level: LEVEL_WORD[r.level] ?? r.type,
        tag: r.tag || undefined,
        msg: r.msg,
        stack: r.stack,
      })}\n`;
    case "journal":
      return `<${priority(r.level)}>${oneLine(text)}${stack ? ` | ${oneLine(stack)}` : ""}\n`;
    case "file":
      return (
        `${r.date.toISOString()} ${LEVEL_WORD[r.level] ?? r.type} ` +
        `${oneLine(text)}${stack ? ` | ${oneLine(stack)}` : ""}\n`
      );
    default:
      return `${word.padEnd(5)} ${text}\n${stack ? `${stack.replace(/^/gm, "      ")}\n` : ""}`;
  }
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

function lineOf(o: LogObject): LogLine {
  const trace = (o as LogObject & { trace?: unknown }).trace;
  return {
    date: o.date,
    level: o.level,
    type: o.type,
    tag: o.tag,
    msg: messageOf(o),
    stack: typeof trace === "string" ? trace : undefined,
  };
}

function oneLine(text: string): string {
  return text.replaceAll("\n", " | ");
}

function styleNow(): LineStyle {
  return (stderrStyle ??=
    format === "json" ? "json" : process.env.JOURNAL_STREAM && !process.stderr.isTTY ? "journal" : "text");
}

function stderrReporter(): ConsolaReporter {
  return { log: (o) => void process.stderr.write(formatLine(styleNow(), lineOf(o), threshold >= 4)) };
}
