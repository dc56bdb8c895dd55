// `seedwatch init --from-iobserver iobserverrc`: iObserver's rc file (ConfigObj INI) as an
// equivalent run config. Pure: bytes in, text out, or a ConfigError naming the line.
//
//   [global]                 watch_config, watch_plugins (seedwatch always reloads a saved
//   watch_config = yes       config, plugin file and plugins_dir: a comment says so)
//   [watches]
//   [[/some/path]]           a Watch (iObserver's were recursive and followed new folders)
//   plugins = scribe, replica
//   scribe_log = -           keys "<plugin>_<key>" are that plugin's options
//   replica_destination = /mirror
//
// scribe → Scribe (every event, as iObserver logged them), replica (its README's
// "mirror") → Mirror, any other name → Plugin({ name }) from plugins_dir, to be ported.

import { resolve } from "node:path";
import { ConfigError } from "../errors.ts";

interface Section {
  name: string;
  line: number;
  keys: Map<string, { value: string; line: number }>;
}

const GLOBAL_KEYS = ["watch_config", "watch_plugins"];

/**
 * The rc file → a config.ts. `cwd` resolves relative paths (watches, scribe_log,
 * replica_destination) as iObserver, run from there, did: the config resolves its own
 * relative paths from its folder, so none are left relative.
 */
export function fromIobserver(rc: Uint8Array, file: string, cwd: string): string {
  const { global, watches } = parse(decode(rc, file), file);
  if (watches.length === 0)
    throw new ConfigError(
      "has no watches",
      file,
      undefined,
      "[watches] then [[/some/path]] and plugins = scribe, replica",
    );
  for (const [k, v] of global?.keys ?? [])
    if (!GLOBAL_KEYS.includes(k))
      throw new ConfigError(
        `Illegal option "${k}" (line ${v.line})`,
        `${file} [global]`,
        k,
        `known: ${GLOBAL_KEYS.join(", ")}`,
      );
  const custom = new Set<string>();
  const blocks = watches.map((w) => watchBlock(w, file, cwd, custom));
  const yes = (k: string) => /^(1|yes|true|on)$/i.test(global?.keys.get(k)?.value ?? "");
  const notes = [
    `// Converted from ${file} by \`seedwatch init --from-iobserver\`.`,
    `// watch_config = ${yes("watch_config") ? "yes" : "no"}: ` +
      `seedwatch always reloads this file when it is saved (and on SIGHUP).`,
    `// watch_plugins = ${yes("watch_plugins") ? "yes" : "no"}: ` +
      `plugin files and plugins_dir are always loaded again when saved.`,
    ...[...custom].map(
      (n) =>
        `// Plugin "${n}" was a Python file (lib/plugins/${n}.py): port it to plugins/${n}.ts with definePlugin().`,
    ),
  ];
  const imports = ["Pyinotifyd", "Watch", "Scribe", "Mirror", ...(custom.size ? ["Plugin"] : [])];
  return `${notes.join("\n")}
import { ${imports.join(", ")} } from "seedwatch";

export default new Pyinotifyd({${custom.size ? '\n  plugins_dir: "./plugins",' : ""}
  watches: [${blocks.join(",")}${blocks.length ? "\n  " : ""}],
});
`;
}

// --- internal ---

function watchBlock(w: Section, file: string, cwd: string, custom: Set<string>): string {
  const names = (w.keys.get("plugins")?.value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0)
    throw new ConfigError(`[[${w.name}]] (line ${w.line}) has no plugins`, file, w.name, "plugins = scribe, replica");
  const options = (plugin: string) => {
    const out: Record<string, string> = {};
    for (const [k, v] of w.keys) if (k.startsWith(`${plugin}_`)) out[k.slice(plugin.length + 1)] = v.value;
    return out;
  };
  for (const [k, v] of w.keys)
    if (k !== "plugins" && !names.some((n) => k.startsWith(`${n}_`)))
      throw new ConfigError(
        `"${k}" (line ${v.line}) belongs to no plugin of [[${w.name}]]`,
        file,
        k,
        `keys are "<plugin>_<key>" for a plugin in: plugins = ${names.join(", ")}`,
      );
  const plugins = names.map((n) => {
    const o = options(n);
    if (n === "scribe") {
      const log = o.log === undefined || o.log === "-" ? "-" : resolve(cwd, o.log);
      return (
        `new Scribe({ log: ${JSON.stringify(log)}, events: ["all"] }), ` +
        `// iObserver logged every event; without events: changes only`
      );
    }
    if (n === "replica" || n === "mirror") {
      if (!o.destination)
        throw new ConfigError(
          `[[${w.name}]]: ${n} needs ${n}_destination`,
          file,
          w.name,
          `${n}_destination = /backup/path`,
        );
      return `new Mirror({ destination: ${JSON.stringify(resolve(cwd, o.destination))} }),`;
    }
    custom.add(n);
    return `new Plugin({ name: ${JSON.stringify(n)}, options: ${JSON.stringify(o)} }),`;
  });
  const path = resolve(cwd, w.name);
  return `
    new Watch({
      path: ${JSON.stringify(path)},
      rec: true,
      auto_add: true,
      plugins: [
        ${plugins.join("\n        ")}
      ],
    })`;
}

function parse(text: string, file: string): { global: Section | undefined; watches: Section[] } {
  let top: string | undefined;
  let global: Section | undefined;
  const watches: Section[] = [];
  let current: Section | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const s = stripComment(raw).trim();
    if (s === "") return;
    const sub = /^\[\[\s*(.+?)\s*\]\]$/.exec(s);
    const sec = /^\[\s*([^[\]]+?)\s*\]$/.exec(s);
    if (sub) {
      if (top !== "watches")
        throw new ConfigError(
          `[[${sub[1]}]] outside [watches] (line ${line})`,
          file,
          sub[1],
          "put watches under [watches]",
        );
      const name = unquote(sub[1]!);
      const twice = watches.find((w) => w.name === name);
      if (twice)
        throw new ConfigError(
          `[[${name}]] twice (lines ${twice.line} and ${line})`,
          file,
          name,
          "one section per path",
        );
      watches.push((current = { name, line, keys: new Map() }));
    } else if (sec) {
      top = sec[1];
      if (top !== "global" && top !== "watches")
        throw new ConfigError(
          `unknown section [${top}] (line ${line})`,
          file,
          top,
          "iObserver has [global] and [watches]",
        );
      current = top === "global" ? (global = { name: "global", line, keys: new Map() }) : undefined;
    } else {
      const kv = /^([A-Za-z0-9_]+)\s*=\s*(.*)$/.exec(s);
      if (!kv || !current)
        throw new ConfigError(
          `cannot read line ${line}: ${JSON.stringify(raw)}`,
          file,
          raw,
          "key = value, inside a section",
        );
      const twice = current.keys.get(kv[1]!);
      if (twice)
        throw new ConfigError(`"${kv[1]}" twice (lines ${twice.line} and ${line})`, file, kv[1], "one value per key");
      current.keys.set(kv[1]!, { value: unquote(kv[2]!.trim()), line });
    }
  });
  return { global, watches };
}

/** UTF-8, or the first line that is not. */
function decode(rc: Uint8Array, file: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(rc);
  } catch {
    let line = 1;
    for (let start = 0; start <= rc.length; line++) {
      const nl = rc.indexOf(0x0a, start);
      const end = nl < 0 ? rc.length : nl;
      try {
        new TextDecoder("utf-8", { fatal: true }).decode(rc.subarray(start, end));
      } catch {
        break;
      }
      start = end + 1;
    }
    throw new ConfigError(`line ${line} is not UTF-8`, file, undefined, "save the rc file as UTF-8");
  }
}

/** ConfigObj: "#" starts a comment outside quotes. */
function stripComment(line: string): string {
  let q: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (q) {
      if (c === q) q = undefined;
    } else if (c === '"' || c === "'") q = c;
    else if (c === "#") return line.slice(0, i);
  }
  return line;
}

function unquote(v: string): string {
  return /^(["']).*\1$/.test(v) ? v.slice(1, -1) : v;
}
