import { describe, expect, test } from "bun:test";
import { parseArgs, type Spec } from "../../src/commands/args.ts";
import { UsageError } from "../../src/errors.ts";
import { fsEvent } from "../../src/events/index.ts";
import {
  eventEnv,
  eventValues,
  expandWords,
  splitCommand,
  usesPlaceholders,
  EVENT_PLACEHOLDERS,
} from "../../src/rules/argv.ts";

const spec = {
  paths: { type: "positional", variadic: true, description: "" },
  recursive: { type: "boolean", alias: "r", description: "" },
  events: { type: "list", alias: "e", description: "" },
  format: { type: "string", description: "" },
  verbose: { type: "count", alias: "v", description: "" },
  logFormat: { type: "string", default: "text", description: "" },
} satisfies Spec;

describe("parseArgs", () => {
  test("flags, lists, counts, bundles, = values, -- and positionals", () => {
    const a = parseArgs(
      [
        "-rvv",
        "-e",
        "create",
        "--events=moved_to",
        "-eclose_write",
        "--format",
        "%w",
        "--log-format=json",
        "a",
        "--",
        "-b",
      ],
      spec,
      "watch",
    );
    expect(a).toEqual({
      paths: ["a", "-b"],
      recursive: true,
      events: ["create", "moved_to", "close_write"],
      format: "%w",
      verbose: 2,
      logFormat: "json",
    });
  });

  test("defaults, --no-flag", () => {
    expect(parseArgs(["x", "--no-recursive"], spec)).toMatchObject({
      recursive: false,
      verbose: 0,
      logFormat: "text",
      events: [],
    });
  });

  test("unknown flags fail, with a suggestion when close", () => {
    expect(() => parseArgs(["--formt", "x", "a"], spec, "watch")).toThrow(UsageError);
    try {
      parseArgs(["--formt", "x", "a"], spec, "watch");
    } catch (e) {
      expect((e as UsageError).hint).toContain("did you mean --format?");
    }
    expect(() => parseArgs(["-z", "a"], spec)).toThrow(/unknown option -z/);
  });

  test("a missing value or positional is a UsageError", () => {
    expect(() => parseArgs(["a", "--format"], spec, "watch")).toThrow(/--format needs a value/);
    expect(() => parseArgs([], spec, "watch")).toThrow(/missing/);
  });
});

describe("argv templates", () => {
  test("split like a shell literal, with quotes and escapes, no expansion", () => {
    expect(splitCommand(`cp -a '{path}' "/back up/\\$HOME" a\\ b`)).toEqual([
      "cp",
      "-a",
      "{path}",
      "/back up/$HOME",
      "a b",
    ]);
    expect(() => splitCommand("echo 'open")).toThrow(/unterminated ' quote/);
    expect(() => splitCommand("   ")).toThrow(/empty command/);
  });

  test("placeholders are replaced in one pass: a value is never expanded again", () => {
    const ev = fsEvent("IN_MOVED_TO", "/in/dst{src_pathname}x", false, "/in", {
      kind: "move",
      from: "/in/src$(touch INJECTED)",
    });
    const words = expandWords(["echo", "{pathname}", "src={src_pathname}", "{unknown}"], eventValues(ev));
    expect(words).toEqual(["echo", "/in/dst{src_pathname}x", "src=/in/src$(touch INJECTED)", "{unknown}"]);
    expect(usesPlaceholders(["rsync", "-a"], EVENT_PLACEHOLDERS)).toBe(false);
  });

  test("environment values", () => {
    const ev = fsEvent("IN_CREATE", "/in/d", true, "/in");
    expect(eventEnv(ev)).toMatchObject({
      SEEDWATCH_PATH: "/in/d",
      SEEDWATCH_EVENTS: "IN_CREATE,IN_ISDIR",
      SEEDWATCH_ISDIR: "1",
      SEEDWATCH_KIND: "create",
      SEEDWATCH_FROM: "",
    });
  });
});
