// The process runner with real processes: argv only, output, exit status, timeout.

import { describe, expect, test } from "bun:test";
import { BunProcessRunner, requireCommand } from "../../../src/process/runner.ts";
import { ConfigError } from "../../../src/errors.ts";
import { waitFor } from "../../helpers/wait.ts";
import { killAll, liveWith, uniqueToken } from "./procs.ts";

const runner = new BunProcessRunner();

describe("BunProcessRunner", () => {
  test("captures output and the exit status; arguments are never re-split or expanded", async () => {
    const r = await runner.run({
      argv: ["sh", "-c", 'printf "%s|" "$@"; echo "$X" >&2; exit 3', "sh", "a b", "$(x)", "*"],
      env: { X: "env ok" },
      output: "capture",
    });
    expect(r).toMatchObject({ code: 3, signal: undefined, timedOut: false, stdout: "a b|$(x)|*|", stderr: "env ok\n" });
  });

  test("a command that runs too long is killed and says so", async () => {
    const r = await runner.run({ argv: ["sleep", "30"], timeoutMs: 50, output: "capture" });
    expect(r.timedOut).toBe(true);
    expect(r.signal).toBe("SIGTERM");
    expect(r.code).toBeUndefined();
  });

  test("group: a timeout ends what the command started too (no orphaned grandchild)", async () => {
    const tok = uniqueToken();
    try {
      const r = await runner.run({
        argv: ["sh", "-c", `sleep 1000.${tok} & sleep 1000.${tok}`],
        timeoutMs: 100,
        group: true,
        output: "capture",
      });
      expect(r.timedOut).toBe(true);
      await waitFor(() => liveWith(tok).length === 0, "no process of the group left");
    } finally {
      killAll(liveWith(tok));
    }
  });

  test("group: abort sends SIGTERM, then SIGKILL to what ignores it; onStart gives the pid", async () => {
    const tok = uniqueToken();
    try {
      const stop = new AbortController();
      let pid = 0;
      const running = runner.run({
        argv: ["sh", "-c", `trap '' TERM; sleep 1000.${tok} & sleep 1000.${tok}`],
        group: true,
        graceMs: 200,
        signal: stop.signal,
        onStart: (p) => (pid = p),
        output: "capture",
      });
      await waitFor(() => liveWith(tok).length >= 2, "both sleeps started");
      stop.abort();
      const r = await running;
      expect(r).toMatchObject({ aborted: true, timedOut: false, signal: "SIGKILL" });
      expect(pid).toBeGreaterThan(0);
      await waitFor(() => liveWith(tok).length === 0, "no process of the group left");
    } finally {
      killAll(liveWith(tok));
    }
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
