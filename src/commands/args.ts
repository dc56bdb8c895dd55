// The strict argument parser under every verb. citty renders help and dispatches, but its
// parser accepts unknown flags silently, keeps only the last of repeated flags and cannot
// count -vv; this one rejects what it does not know (with a suggestion), collects
// repeatable flags into lists, counts counters, and knows how many positionals a verb takes.

import { defineCommand, type ArgsDef, type CommandDef } from "citty";
import { closest } from "../config/keys.ts";
import { UsageError } from "../errors.ts";
import { kebab, renderHelp } from "./help.ts";

export type ArgSpec =
  | { type: "boolean"; alias?: string; description: string; default?: boolean }
  | { type: "count"; alias?: string; description: string }
  | {
      type: "string";
      alias?: string;
      description: string;
      valueHint?: string;
      default?: string;
      repeat?: false;
      also?: string[];
    }
  | { type: "list"; alias?: string; description: string; valueHint?: string; also?: string[] }
  | { type: "positional"; description: string; variadic?: boolean; required?: boolean; valueHint?: string };

export type Spec = Record<string, ArgSpec>;

type Value<S extends ArgSpec> = S extends { type: "boolean" }
  ? boolean
  : S extends { type: "count" }
    ? number
    : S extends { type: "list" }
      ? string[]
      : S extends { type: "positional"; variadic: true }
        ? string[]
        : S extends { type: "string"; default: string }
          ? string
          : string | undefined;

export type Parsed<S extends Spec> = { [K in keyof S]: Value<S[K]> };

export interface Verb<S extends Spec> {
  name: string;
  description: string;
  args: S;
  /** Shown under the options in --help: worked examples and notes. */
  examples?: string;
  /** Returns the exit code (0 when omitted). */
  run(args: Parsed<S>): Promise<number | undefined>;
}

export interface SeedCommand extends CommandDef {
  /** The full --help text. */
  help: string;
}

/** A citty command whose run() parses strictly and returns the verb's exit code. */
export function defineVerb<S extends Spec>(verb: Verb<S>): SeedCommand {
  const cmd = defineCommand({
    meta: { name: verb.name, description: verb.description },
    args: cittyArgs(verb.args),
    run: ({ rawArgs }) => verb.run(parseArgs(rawArgs, verb.args, verb.name)),
  }) as SeedCommand;
  cmd.help = renderHelp(verb);
  return cmd;
}

export function parseArgs<S extends Spec>(raw: readonly string[], spec: S, verb = ""): Parsed<S> {
  const out: Record<string, unknown> = {};
  const byFlag = new Map<string, string>();
  const positionals: [string, ArgSpec & { type: "positional" }][] = [];
  for (const [key, s] of Object.entries(spec)) {
    if (s.type === "positional") {
      positionals.push([key, s]);
      out[key] = s.variadic ? [] : undefined;
      continue;
    }
    for (const f of [key, kebab(key), ...("also" in s && s.also ? s.also : [])]) byFlag.set(`--${f}`, key);
    if (s.alias) byFlag.set(`-${s.alias}`, key);
    out[key] =
      s.type === "boolean" ? (s.default ?? false) : s.type === "count" ? 0 : s.type === "list" ? [] : s.default;
  }
  const loose: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const word = raw[i]!;
    if (word === "--") {
      loose.push(...raw.slice(i + 1));
      break;
    }
    if (!word.startsWith("-") || word === "-") {
      loose.push(word);
      continue;
    }
    const eq = word.startsWith("--") ? word.indexOf("=") : -1;
    const flag = eq > 0 ? word.slice(0, eq) : word;
    const inline = eq > 0 ? word.slice(eq + 1) : undefined;
    // -vv and -rq: bundled short booleans and counters
    if (!word.startsWith("--") && word.length > 2 && !byFlag.has(flag)) {
      for (let k = 1; k < word.length; k++) {
        const short = `-${word[k]}`;
        const type = spec[byFlag.get(short) ?? ""]?.type;
        if (type === "string" || type === "list") {
          i = set(short, word.slice(k + 1) || undefined, i); // -ecreate, -e create
          break;
        }
        set(short, undefined);
      }
      continue;
    }
    if (flag.startsWith("--no-") && !byFlag.has(flag)) {
      const key = byFlag.get(`--${flag.slice(5)}`);
      if (key && spec[key]!.type === "boolean") {
        out[key] = false;
        continue;
      }
    }
    i = set(flag, inline, i);
  }
  placePositionals(loose, positionals, out, verb);
  return out as Parsed<S>;

  function set(flag: string, inline: string | undefined, i = 0): number {
    const key = byFlag.get(flag);
    if (key === undefined) throw unknownFlag(flag, [...byFlag.keys()], verb);
    const s = spec[key]!;
    if (s.type === "boolean") out[key] = inline === undefined ? true : inline !== "false" && inline !== "0";
    else if (s.type === "count") out[key] = (out[key] as number) + 1;
    else {
      let value = inline;
      if (value === undefined) {
        value = raw[i + 1];
        if (value === undefined)
          throw new UsageError(
            `${flag} needs a value`,
            `seedwatch ${verb} ${flag} ${"valueHint" in s && s.valueHint ? s.valueHint.toUpperCase() : "VALUE"}`,
          );
        i++;
      }
      if (s.type === "list") (out[key] as string[]).push(value);
      else out[key] = value;
    }
    return i;
  }
}

// --- internal ---

function placePositionals(
  loose: string[],
  positionals: [string, ArgSpec & { type: "positional" }][],
  out: Record<string, unknown>,
  verb: string,
): void {
  for (const [key, s] of positionals) {
    if (s.variadic) {
      out[key] = loose.splice(0);
      if (s.required !== false && (out[key] as string[]).length === 0) throw missing(key, s, verb);
    } else {
      const v = loose.shift();
      if (v === undefined && s.required !== false) throw missing(key, s, verb);
      out[key] = v;
    }
  }
  if (loose.length > 0) {
    const what = positionals.length === 0 ? `${verb} takes no argument (got` : "unexpected argument";
    throw new UsageError(
      `${what} ${JSON.stringify(loose[0])}${positionals.length === 0 ? ")" : ""}`,
      `seedwatch ${verb} --help`,
    );
  }
}

function missing(key: string, s: ArgSpec, verb: string): UsageError {
  const hint = "valueHint" in s && s.valueHint ? s.valueHint : key.toUpperCase();
  return new UsageError(`missing ${hint}`, `seedwatch ${verb} --help`);
}

function unknownFlag(flag: string, known: string[], verb: string): UsageError {
  const near = closest(flag, known);
  const hint = near
    ? `did you mean ${near}? 'seedwatch ${verb} --help' lists every option`
    : `'seedwatch ${verb} --help' lists every option`;
  return new UsageError(`unknown option ${flag}`, hint);
}

/** citty's view of the spec, used only to render --help. */
function cittyArgs(spec: Spec): ArgsDef {
  const out: ArgsDef = {};
  for (const [key, s] of Object.entries(spec)) {
    const common = {
      description: s.description,
      ...("valueHint" in s && s.valueHint ? { valueHint: s.valueHint } : {}),
    };
    if (s.type === "positional")
      out[key] = { type: "positional", required: false, ...common }; // parseArgs checks
    else {
      const alias = s.alias ? { alias: [s.alias] } : {};
      const type = s.type === "boolean" || s.type === "count" ? "boolean" : "string";
      const def = "default" in s && s.default !== undefined && s.default !== false ? { default: s.default } : {};
      const note = s.type === "list" ? " (repeatable)" : s.type === "count" ? " (repeat for more)" : "";
      out[kebab(key)] = { type, ...alias, ...common, ...def, description: s.description + note } as ArgsDef[string];
    }
  }
  return out;
}
