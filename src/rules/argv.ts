// Command templates without a shell. A template is split into words once, the way a
// shell would split a literal (quotes and backslashes, no expansion). Placeholders are
// replaced inside each word in a single pass, so a value is never scanned again: a file
// named "{path}" or "$(touch x)" stays one literal argument.

import { ConfigError } from "../errors.ts";
import type { FsEvent } from "../events/index.ts";

/** Split "cp -a '{path}' /backup" into ["cp", "-a", "{path}", "/backup"]. */
export function splitCommand(template: string, field = "command"): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === "\\" && i + 1 < template.length && '"\\$`'.includes(template[i + 1]!)) word += template[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === "\\" && i + 1 < template.length) {
      word += template[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote)
    throw new ConfigError(`unterminated ${quote} quote`, field, template, "close the quote, or escape it with \\");
  if (inWord) words.push(word);
  if (words.length === 0)
    throw new ConfigError(
      "empty command",
      field,
      template,
      'give a program and its arguments, e.g. "rsync -a {path} /backup/"',
    );
  return words;
}

/** {name} in a command template (rules/shell.ts and argv lists); replaced in one pass. */
export const PLACEHOLDER = /\{([a-z_]+)\}/g;

/** True when any word holds a placeholder for one of `names`. */
export function usesPlaceholders(words: readonly string[], names: readonly string[]): boolean {
  return words.some((w) => [...w.matchAll(PLACEHOLDER)].some((m) => names.includes(m[1]!)));
}

/** Replace {name} in each word from `values`, in one pass; unknown names stay as typed. */
export function expandWords(words: readonly string[], values: Record<string, string>): string[] {
  return words.map((w) => w.replace(PLACEHOLDER, (all, name: string) => values[name] ?? all));
}

/** A value as one shell word: single-quoted, with ' written as '\''. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

/** Placeholder values for an event: ours, and pyinotifyd's names. */
export function eventValues(ev: FsEvent): Record<string, string> {
  const first = ev.names[0] ?? "";
  return {
    path: ev.path,
    name: ev.path.slice(ev.path.lastIndexOf("/") + 1),
    events: ev.names.join(","),
    kind: ev.kind,
    isdir: ev.dir ? "1" : "0",
    root: ev.root,
    from: ev.from ?? "",
    to: ev.to ?? "",
    pathname: ev.path,
    maskname: first,
    src_pathname: ev.from ?? "",
  };
}

/** The same values as environment variables SEEDWATCH_PATH, SEEDWATCH_EVENTS, … */
export function eventEnv(ev: FsEvent): Record<string, string> {
  const v = eventValues(ev);
  return {
    SEEDWATCH_PATH: v.path!,
    SEEDWATCH_NAME: v.name!,
    SEEDWATCH_EVENTS: v.events!,
    SEEDWATCH_KIND: v.kind!,
    SEEDWATCH_ISDIR: v.isdir!,
    SEEDWATCH_ROOT: v.root!,
    SEEDWATCH_FROM: v.from!,
    SEEDWATCH_TO: v.to!,
  };
}

export const EVENT_PLACEHOLDERS = [
  "path",
  "name",
  "events",
  "kind",
  "isdir",
  "root",
  "from",
  "to",
  "pathname",
  "maskname",
  "src_pathname",
];
