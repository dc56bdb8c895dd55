// Paths as node:fs takes them. A path string is lossless (events/path.ts): bytes that are
// not UTF-8 ride along as escapes. node:fs would encode such a string as UTF-8 and reach
// another file, so a path holding escapes is handed over as its exact bytes.

import { encodePath, hasEscapes } from "../events/path.ts";

/** A path in the form node:fs takes: the string itself, or its exact bytes. */
export function fsPath(path: string): string {
  // Typed as string: every node:fs call takes a Buffer where it takes a string.
  return (hasEscapes(path) ? Buffer.from(encodePath(path)) : path) as string;
}
