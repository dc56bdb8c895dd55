// The config's plugin classes (Plugin, and the built-ins registered in builtins.ts) and
// their validation: pure, naming the field path of a mistake, as the rules' classes do.
// A Watch takes them under `plugins`, the config under `plugins_dir` (user-api.ts
// registers both keys). Files are found and loaded later, by the runtime (runtime.ts).

import { rejectUnknownKeys } from "../config/keys.ts";
import { ConfigError } from "../errors.ts";
import { BUILTINS } from "./builtins.ts";

export interface PluginOptions {
  /** A plugin file, relative to the config's folder. */
  path?: string;
  /** A plugin in plugins_dir, by its file name without .ts/.js. */
  name?: string;
  /** What the plugin gets as ctx.options. */
  options?: Record<string, unknown>;
  /** Seconds a call may take before it is reported as hung (default: --hook-timeout). */
  timeout?: number;
}

/** A user's plugin file on a watch. */
export class Plugin {
  constructor(readonly options: PluginOptions) {}
}

/** A plugin on a watch, checked. */
export interface PluginSpec {
  /** "file" for a user's plugin, else the built-in's name ("scribe", "mirror"). */
  kind: string;
  /** For the log and --check: the built-in's name, the file's name. */
  label: string;
  /** The options it is given (a built-in's as its validate() returned them). */
  options: unknown;
  /** For kind "file": where its code is. */
  source?: { path: string } | { name: string };
  timeoutMs?: number;
  field: string;
}

const PLUGIN_KEYS = ["path", "name", "options", "timeout"];

/** Pure: a Watch's `plugins` as written → specs, or a ConfigError naming the field. */
export function validatePlugins(value: unknown, field: string): PluginSpec[] {
  if (!Array.isArray(value)) throw new ConfigError("must be a list of plugins", field, value, EXAMPLE);
  return value.map((p, i) => validatePlugin(p, `${field}[${i}]`));
}

/** Pure: plugins_dir as written. */
export function validatePluginsDir(value: unknown, field: string): string {
  if (typeof value !== "string" || value === "")
    throw new ConfigError("must be a folder", field, value, 'e.g. plugins_dir: "./plugins" (beside the config)');
  return value;
}

/** One line per plugin for `run --check`. */
export function describePlugins(specs: PluginSpec[]): string[] {
  return specs.map((s) => {
    const from = s.source ? ` (${"path" in s.source ? s.source.path : `plugins_dir/${s.source.name}`})` : "";
    return `plugin ${s.label}${from} ${JSON.stringify(s.options)}`;
  });
}

// --- internal ---

const EXAMPLE = 'e.g. plugins: [new Scribe({ log: "-" }), new Plugin({ path: "./notify.ts", options: {} })]';

function validatePlugin(p: unknown, field: string): PluginSpec {
  for (const b of BUILTINS) if (p instanceof b.cls) return { ...b.validate(p.options, field), field };
  if (!(p instanceof Plugin))
    throw new ConfigError(
      `must be a plugin: ${["Plugin", ...BUILTINS.map((b) => b.cls.name)].join(", ")}`,
      field,
      p,
      EXAMPLE,
    );
  const o = p.options;
  if (typeof o !== "object" || o === null) throw new ConfigError("must have options", field, o, EXAMPLE);
  rejectUnknownKeys(o, PLUGIN_KEYS, field);
  if ((o.path === undefined) === (o.name === undefined))
    throw new ConfigError(
      "needs either path (a file) or name (a file in plugins_dir)",
      field,
      o,
      'new Plugin({ path: "./notify.ts" }) or new Plugin({ name: "notify" })',
    );
  for (const k of ["path", "name"] as const)
    if (o[k] !== undefined && (typeof o[k] !== "string" || o[k] === ""))
      throw new ConfigError("must be a non-empty string", `${field}.${k}`, o[k]);
  if (o.name !== undefined && /[/\\]/.test(o.name))
    throw new ConfigError("is a file name in plugins_dir, not a path", `${field}.name`, o.name, "use path: for a file");
  const options = o.options ?? {};
  if (typeof options !== "object" || options === null || Array.isArray(options))
    throw new ConfigError("must be an object", `${field}.options`, options, 'e.g. options: { url: "…" }');
  if (o.timeout !== undefined && !(typeof o.timeout === "number" && o.timeout > 0))
    throw new ConfigError("must be a number of seconds", `${field}.timeout`, o.timeout, "e.g. timeout: 30");
  const source = o.path !== undefined ? { path: o.path } : { name: o.name! };
  const label = o.path !== undefined ? fileLabel(o.path) : o.name!;
  return {
    kind: "file",
    label,
    options,
    source,
    field,
    ...(o.timeout === undefined ? {} : { timeoutMs: o.timeout * 1000 }),
  };
}

/** "./plugins/notify.ts" → "notify". */
export function fileLabel(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1).replace(/\.(ts|js|mts|mjs)$/, "");
}
