// Python's regular-expression syntax, as pyinotifyd configs write it, in JavaScript: one
// translation for exclude_filter (rules/config.ts) and FileManagerRule (rules/files.ts).
// JavaScript's own forms pass unchanged, so either can be written.

/** (?P<name>…) → (?<name>…), (?P=name) → \k<name>. */
export function pythonPattern(source: string): string {
  return source.replace(/\(\?P<([A-Za-z_]\w*)>/g, "(?<$1>").replace(/\(\?P=([A-Za-z_]\w*)\)/g, "\\k<$1>");
}

/** A replacement: Python's \g<name>, \g<1> and \1 become JavaScript's $<name> and $1. */
export function pythonReplacement(replacement: string): string {
  return replacement
    .replace(/\\g<([A-Za-z_]\w*)>/g, "$$<$1>")
    .replace(/\\g<(\d+)>/g, "$$$1")
    .replace(/\\(\d)/g, "$$$1");
}
