// The process runner with real processes: argv only, output, exit status, timeout.

import { describe, expect, test } from "bun:test";
import { BunProcessRunner, requireCommand } from "../../../src/rules/process.ts";
import { ConfigError } from "../../../src/errors.ts";

const runner = new BunProcessRunner();

describe("BunProcessRunner", () => {
  test("captures output and the exit status; arguments are never re-split or expanded", async () => {
    const r = await runner.run({ argv: ["sh", "-c", 'printf "%s|" "$@"; echo "$X" >&2; exit 3', "sh", "a b", "$(x)", "*"], env: { X: "env ok" }, output: "capture" });
    expect(r).toMatchObject({ code: 3, signal: undefined, timedOut: false, stdout: "a b|$(x)|*|", stderr: "env ok\n" });
  });

  test("a command that runs too long is killed and says so", async () => {
    const r = await runner.run({ argv: ["sleep", "30"], timeoutMs: 50, output: "capture" });
    expect(r.timedOut).toBe(true);
    expect(r.signal).toBe("SIGTERM");
    expect(r.code).toBeUndefined();
  });

  test("a command that cannot start is an error result, not a throw", async () => {
    const r = await runner.run({ argv: ["/nonexistent/seedwatch-cmd"], output: "capture" });
    expect(r.error).toBeTruthy();
    expect(r.code).toBeUndefined();
  });

  test("requireCommand accepts PATH names and paths, refuses the unknown", () => {
    expect(() => requireCommand("sh", "--exec")).not.toThrow();
    expect(() => requireCommand("/bin/sh", "--exec")).not.toThrow();
    expect(() => requireCommand("no-such-seedwatch-cmd", "--exec")).toThrow(ConfigError);
  });
});
