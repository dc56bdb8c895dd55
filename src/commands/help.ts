// --help text for a verb and for a verb with sub-verbs: usage line, arguments, options
// wrapped to 80 columns, then the examples.

import type { ArgSpec, Spec, Verb } from "./args.ts";

/** What a verb with sub-verbs shows: its sub-verbs, the options they all take, examples. */
export interface GroupHelp {
  name: string;
  description: string;
  verbs: Record<string, { describe: string }>;
  default?: string;
  shared?: Spec;
  /** Sub-verbs that do not take the shared options (they are named in the help). */
  sharedExcept?: string[];
  examples?: string;
}

export function renderHelp<S extends Spec>(verb: Verb<S>): string {
  const pos = Object.entries(verb.args).filter(([, s]) => s.type === "positional");
  const options = optionLines(verb.args);
  const usage = pos.map(([k, s]) => {
    const hint = ("valueHint" in s && s.valueHint) || k.toUpperCase();
    return "required" in s && s.required === false ? `[${hint}]` : hint;
  });
  const lines = [
    verb.description,
    "",
    `USAGE  seedwatch ${verb.name}${options.length ? " [OPTIONS]" : ""} ${usage.join(" ")}`.trimEnd(),
  ];
  if (options.length) lines.push("", "OPTIONS", ...options);
  if (verb.examples) lines.push("", verb.examples.trim());
  return `${lines.join("\n")}\n`;
}

export function renderGroupHelp(g: GroupHelp): string {
  const width = Math.max(8, ...Object.keys(g.verbs).map((n) => n.length));
  const lines = [g.description, "", `USAGE  seedwatch ${g.name} <command> [OPTIONS]`, "", "COMMANDS"];
  for (const [name, v] of Object.entries(g.verbs))
    lines.push(`  ${name.padEnd(width)}  ${v.describe}${name === g.default ? " (the default)" : ""}`);
  const options = optionLines(g.shared ?? {});
  const which = g.sharedExcept?.length ? `every command but ${g.sharedExcept.join(", ")}` : "every command";
  if (options.length) lines.push("", `OPTIONS (${which})`, ...options);
  lines.push("", `  seedwatch ${g.name} <command> --help   options and examples for one command`);
  if (g.examples) lines.push("", g.examples.trim());
  return `${lines.join("\n")}\n`;
}

export function kebab(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

// --- internal ---

function optionLines(spec: Spec): string[] {
  const lines: string[] = [];
  for (const [key, s] of Object.entries(spec) as [string, ArgSpec][]) {
    if (s.type === "positional") continue;
    const value = s.type === "string" || s.type === "list" ? ` ${s.valueHint ?? "VALUE"}` : "";
    const names = `${s.alias ? `-${s.alias}, ` : "    "}--${kebab(key)}${value}`;
    const extra =
      s.type === "list"
        ? " (repeatable)"
        : s.type === "count"
          ? " (repeat for more)"
          : "default" in s && typeof s.default === "string"
            ? ` (default: ${s.default})`
            : "";
    lines.push(`  ${names}`, ...wrap(s.description + extra, 70).map((l) => `          ${l}`));
  }
  return lines;
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}
