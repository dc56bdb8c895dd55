// The built-in plugins, as the config names them: each a class (its constructor keeps
// what it was given), a pure validation of its options, and how it is attached to a
// watched root. config.ts validates through this list; runtime.ts attaches through it.

import type { Clock } from "../clock.ts";
import type { EventName } from "../events/index.ts";
import type { ValidWatch } from "../rules/config.ts";
import type { AttachedPlugin } from "./plugin.ts";
import { MIRROR } from "./mirror/options.ts";
import { SCRIBE } from "./scribe/scribe.ts";

/** What a built-in gets when it is attached to a root. */
export interface BuiltinHost {
  root: string;
  /** Relative paths in its options are resolved from here (the config's folder). */
  configDir: string;
  clock: Clock;
  /** Shared by the daemon's plugins (Scribe: one writer per log file, moves paired across watches). */
  shared: Map<string, unknown>;
}

export interface Builtin {
  /** As --check and the log name it: "scribe". */
  name: string;
  cls: new (options: never) => { options: unknown };
  /** Pure: the options as written → the spec's kind, label and options; a ConfigError naming `field`. */
  validate(options: unknown, field: string): { kind: string; label: string; options: unknown };
  /** The events it wants (the watch subscribes to them). */
  events(options: unknown): readonly EventName[];
  /**
   * Checks that need the disk or the watch, at start, on reload and in --check (a Mirror's
   * destination inside its source): throws a ConfigError naming `field`.
   */
  check?(options: unknown, watch: ValidWatch, roots: string[], field: string, configDir: string): void;
  attach(options: unknown, host: BuiltinHost): AttachedPlugin;
}

/** Each built-in's module (scribe/, mirror/) exports its Builtin; this lists them. */
export const BUILTINS: readonly Builtin[] = [SCRIBE, MIRROR];
