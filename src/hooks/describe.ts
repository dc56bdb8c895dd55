// Turning what user code threw into what a user can act on: one line (the message and
// where in their file it came from), and the stack of their own frames, separately.
// Bun's build errors (a syntax error in a loaded file) become one "file:line:col: message"
// per error with the source line and a caret. Seedwatch's own frames (/$bunfs/root/…
// inside the binary) and the "?v=…" that a reload adds to a path are never shown.

import { readFileSync } from "node:fs";
import { resolve } from "node:path";

export interface Described {
  /** One line: "TypeError: x is not a function", or the message of a plain Error. */
  message: string;
  /** "file:line:col" of the innermost frame in the user's code, if any. */
  where?: string;
  /** The user's frames, one "at …" per line. */
  stack?: string;
}

/** What a hook or job threw. */
export function describeError(err: unknown): Described {
  if (!(err instanceof Error))
    return { message: typeof err === "string" ? err : Bun.inspect(err).replace(/\s*\n\s*/g, " ") };
  const name = err.name && err.name !== "Error" ? `${err.name}: ` : "";
  const frames = userFrames(err.stack ?? "");
  const where = frames.map(frameLocation).find(Boolean);
  return {
    message: `${name}${clean(err.message)}`.replaceAll("\n", " "),
    ...(where ? { where } : {}),
    ...(frames.length ? { stack: frames.join("\n") } : {}),
  };
}

/** Bun's position of a build error (BuildMessage.position). */
interface Position {
  file: string;
  line: number;
  column: number;
  lineText: string;
}

/**
 * The lines that say why a module did not load: each build error as
 * "file:line:col: message", its source line and a caret; for an error thrown by the
 * module's top level, the same from its innermost frame. Undefined for anything else.
 */
export function describeLoadError(err: unknown): { lines: string[]; count: number } | undefined {
  const many = (err as { errors?: unknown })?.errors;
  const messages = Array.isArray(many) ? many : [err];
  const located = messages.map(buildMessage).filter((m): m is { message: string; position: Position } => !!m);
  if (located.length > 0)
    return { lines: located.flatMap((m) => pointAt(m.position, m.message)), count: located.length };
  if (!(err instanceof Error) || err.name === "ResolveMessage") return undefined;
  const d = describeError(err);
  const at = d.where && /^(.*):(\d+):(\d+)$/.exec(d.where);
  if (!at) return undefined;
  const [file, line, column] = [at[1]!, Number(at[2]), Number(at[3])];
  return { lines: pointAt({ file, line, column, lineText: sourceLine(file, line) }, d.message), count: 1 };
}

/** A message from Bun that may name a reloaded file ("…/config.ts?v=1796015751314"). */
export function clean(text: string): string {
  return text.replace(/\?v=\d+/g, "");
}

// --- internal ---

/** Seedwatch's own code: inside the binary, or (run from source) this src/ directory. */
const OWN = ["/$bunfs/", `${resolve(import.meta.dir, "..")}/`];

function userFrames(stack: string): string[] {
  return stack
    .split("\n")
    .filter((l) => /^\s+at /.test(l) && !OWN.some((own) => l.includes(own)))
    .map((l) => clean(l.trim()));
}

/** "at fn (/x/hooks.ts:2:31)" or "at /x/hooks.ts:2:31" → "/x/hooks.ts:2:31"; native frames have none. */
function frameLocation(frame: string): string | undefined {
  const m = /\(([^()]+:\d+:\d+)\)$/.exec(frame) ?? /^at (\/.+:\d+:\d+)$/.exec(frame);
  return m?.[1];
}

function buildMessage(e: unknown): { message: string; position: Position } | undefined {
  const p = (e as { position?: Partial<Position> | null })?.position;
  if (!p || typeof p.file !== "string" || typeof p.line !== "number") return undefined;
  const position = { file: clean(p.file), line: p.line, column: p.column ?? 0, lineText: p.lineText ?? "" };
  return { message: clean(String((e as Error).message ?? e)), position };
}

/** "file:line:col: message", then the source line and a caret under the column (1-based). */
function pointAt(p: Position, message: string): string[] {
  const head = `${p.file}:${p.line}:${p.column}: ${message}`;
  if (!p.lineText.trim()) return [head];
  let text = p.lineText;
  let col = Math.max(1, p.column) - 1;
  if (text.length > WIDE) {
    const from = Math.max(0, col - WIDE / 2);
    text = `${from > 0 ? "…" : ""}${text.slice(from, from + WIDE)}${from + WIDE < p.lineText.length ? "…" : ""}`;
    col = col - from + (from > 0 ? 1 : 0);
  }
  const pad = text.slice(0, col).replace(/[^\t]/g, " "); // tabs kept, so the caret lines up
  return [head, `  ${text}`, `  ${pad}^`];
}

/** Longest source line shown whole; longer ones (minified code) are cut around the column. */
const WIDE = 120;

function sourceLine(file: string, line: number): string {
  try {
    return (readFileSync(file, "utf8").split("\n")[line - 1] ?? "").replace(/\r$/, "");
  } catch {
    return "";
  }
}
