// --check: what a config would watch, and where each event goes.

import type { ConfigSection, WatchSection } from "../config/user-api.ts";
import { Cancel, type TaskScheduler } from "./scheduler.ts";
import { ShellScheduler } from "./shell.ts";
import { FileManagerScheduler } from "./files.ts";
import type { ValidConfig } from "./config.ts";

/** `sections`, `watchSections`: the keys layers above add (config/user-api.ts), each saying what it runs. */
export function describeConfig(
  c: ValidConfig,
  sections: readonly ConfigSection[] = [],
  watchSections: readonly WatchSection[] = [],
): string {
  const names = new Map<TaskScheduler, string>();
  const name = (s: TaskScheduler) => {
    if (!names.has(s)) names.set(s, `${s.constructor.name} #${names.size + 1}`);
    return names.get(s)!;
  };
  const lines: string[] = [];
  for (const w of c.watches) {
    const how = [
      w.rec
        ? w.autoAdd
          ? "recursive"
          : "recursive, but not into new directories: auto_add is off, files in them are not seen"
        : "this directory only",
      w.excludeText.length ? `excluding ${w.excludeText.join(", ")}` : "",
      w.poll === undefined ? "" : `polled every ${w.poll} ms`,
    ].filter(Boolean);
    lines.push(`watch ${w.paths.join(", ")} (${how.join("; ")})`);
    for (const [event, handlers] of w.map) {
      lines.push(
        `  ${event.padEnd(16)} → ` +
          handlers.map((h) => (h instanceof Cancel ? `Cancel(${name(h.scheduler)})` : name(h))).join(", "),
      );
    }
    for (const s of watchSections) {
      const value = w[s.key];
      if (value !== undefined && s.describe) lines.push(...s.describe(value).map((l) => `  ${l}`));
    }
  }
  if (c.watches.length === 0) lines.push("no watches: the daemon would do nothing");
  for (const [s, n] of names) {
    const o = s.options;
    const what =
      s instanceof ShellScheduler
        ? `cmd ${JSON.stringify(s.cmd)}`
        : s instanceof FileManagerScheduler
          ? s.rules
              .map(
                (r) =>
                  `${r.action} ${String(r.options.src_re)}${r.action === "delete" ? "" : ` → ${r.options.dst_re}`}`,
              )
              .join("; ")
          : "job";
    const on =
      [o.files && "files", o.dirs && "directories"].filter(Boolean).join(" and ") || "nothing (files and dirs are off)";
    lines.push(`${n} (${o.logname}): ${what}; delay ${o.delay} s; on ${on}${o.singlejob ? "; one job at a time" : ""}`);
  }
  lines.push(
    `shutdown: running tasks get ${c.shutdownTimeoutMs / 1000} s; ` +
      `tasks still in their delay are ${c.pending === "run" ? "run" : "dropped"}`,
  );
  for (const s of sections) {
    const value = c[s.key];
    if (value !== undefined && s.describe) lines.push(s.describe(value));
  }
  return `${lines.join("\n")}\n`;
}
