// Verbs with sub-verbs (`seedwatch torrents show`, `seedwatch service install`, and next
// `seedwatch queue serve|work|…`). A group lists its sub-verbs, each a file loaded only
// when named; adding one is its file plus its line in the group's table. Help at every
// level: `seedwatch torrents --help`, `seedwatch torrents show --help`,
// `seedwatch help torrents show`.
//
// The sub-verb is the first word that is not an option, wherever it stands, so that
// `seedwatch torrents --db F show HASH` (the spelling of the days of an `action`
// positional) still works: values of the options every sub-verb shares are skipped. With
// no sub-verb named, the group's default runs (`seedwatch torrents` lists).

import type { CommandDef } from "citty";
import { closest } from "../config/keys.ts";
import { UsageError } from "../errors.ts";
import type { SeedCommand, Spec } from "./args.ts";
import { kebab, renderGroupHelp, type GroupHelp } from "./help.ts";

export interface VerbEntry {
  /** A few words for the list of commands. */
  describe: string;
  load: () => Promise<{ default: SeedCommand | VerbGroup }>;
}

export interface VerbGroup {
  kind: "group";
  name: string;
  verbs: Record<string, VerbEntry>;
  default?: string;
  shared?: Spec;
  /** A hint for a word that is not a sub-verb (besides "did you mean"). */
  unknownHint?: (word: string) => string | undefined;
  help: string;
}

export function defineGroup(
  g: GroupHelp & { verbs: Record<string, VerbEntry>; unknownHint?: (word: string) => string | undefined },
): VerbGroup {
  return {
    kind: "group",
    name: g.name,
    verbs: g.verbs,
    help: renderGroupHelp(g),
    ...(g.default ? { default: g.default } : {}),
    ...(g.shared ? { shared: g.shared } : {}),
    ...(g.unknownHint ? { unknownHint: g.unknownHint } : {}),
  };
}

/** Run a loaded verb (a group: the sub-verb `args` name) and return its exit code. */
export async function runVerb(cmd: SeedCommand | VerbGroup, args: string[]): Promise<number> {
  const dashdash = args.indexOf("--");
  const flags = dashdash < 0 ? args : args.slice(0, dashdash);
  const asksHelp = flags.includes("--help") || flags.includes("-h");
  if (isGroup(cmd)) {
    const at = subVerbAt(cmd, args);
    if (at < 0) {
      if (asksHelp) return print(cmd.help);
      if (!cmd.default)
        throw new UsageError(
          `${cmd.name} needs a command: ${Object.keys(cmd.verbs).join(", ")}`,
          `seedwatch ${cmd.name} --help`,
        );
    }
    const word = at < 0 ? cmd.default! : args[at]!;
    const entry = Object.hasOwn(cmd.verbs, word) ? cmd.verbs[word] : undefined;
    if (!entry) throw unknownVerb(cmd, word);
    const sub = (await entry.load()).default;
    return runVerb(sub, at < 0 ? args : [...args.slice(0, at), ...args.slice(at + 1)]);
  }
  if (asksHelp) return print(cmd.help);
  const { runCommand } = await import("citty");
  const { result } = await runCommand(cmd as CommandDef, { rawArgs: args });
  return typeof result === "number" ? result : 0;
}

export function print(text: string): number {
  process.stdout.write(text);
  return 0;
}

// --- internal ---

function isGroup(cmd: SeedCommand | VerbGroup): cmd is VerbGroup {
  return (cmd as VerbGroup).kind === "group";
}

/** Where the sub-verb stands in `args`: the first word that is neither an option nor a shared option's value. */
function subVerbAt(g: VerbGroup, args: string[]): number {
  const takesValue = new Set<string>();
  for (const [key, s] of Object.entries(g.shared ?? {})) {
    if (s.type !== "string" && s.type !== "list") continue;
    for (const f of [key, kebab(key), ...(s.also ?? [])]) takesValue.add(`--${f}`);
    if (s.alias) takesValue.add(`-${s.alias}`);
  }
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!;
    if (w === "--") return -1;
    if (w === "-" || !w.startsWith("-")) return i;
    if (takesValue.has(w)) i++; // --db FILE: FILE is not the sub-verb
  }
  return -1;
}

function unknownVerb(g: VerbGroup, word: string): UsageError {
  const near = closest(word, Object.keys(g.verbs));
  const hint =
    (near ? `did you mean ${near}? ` : "") +
    (g.unknownHint?.(word) ?? `'seedwatch ${g.name} --help' lists ${Object.keys(g.verbs).join(", ")}`);
  return new UsageError(`unknown ${g.name} command ${JSON.stringify(word)}`, hint);
}
