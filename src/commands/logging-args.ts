// The logging options every long-running verb takes, and applying them.

import { ConfigError } from "../errors.ts";
import { setFormat, setVerbosity } from "../log.ts";
import type { Spec } from "./args.ts";

export const LOG_ARGS = {
  quiet: { type: "count", alias: "q", description: "log only warnings and errors" },
  verbose: { type: "count", alias: "v", description: "log more" },
  logFormat: {
    type: "string",
    valueHint: "text|json",
    default: "text",
    description: "log format on stderr: text, or one JSON object per line",
  },
} as const satisfies Spec;

export function applyLogArgs(a: { quiet: number; verbose: number; logFormat: string }): void {
  setVerbosity(a.verbose - a.quiet);
  if (a.logFormat !== "text" && a.logFormat !== "json") {
    throw new ConfigError(
      `must be text or json, not ${JSON.stringify(a.logFormat)}`,
      "--log-format",
      a.logFormat,
      "--log-format json writes one JSON object per log line",
    );
  }
  setFormat(a.logFormat);
}
