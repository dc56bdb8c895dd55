// The iObserver rc converter: what each key becomes, and a malformed rc as one error naming
// its line (the integration test runs the result through `run --check`).

import { describe, expect, test } from "bun:test";
import { ConfigError } from "../../../src/errors.ts";
import { fromIobserver } from "../../../src/plugins/iobserver.ts";

const convert = (rc: string | Uint8Array, cwd = "/home/u") =>
  fromIobserver(typeof rc === "string" ? new TextEncoder().encode(rc) : rc, "iobserverrc", cwd);

/** The ConfigError a conversion throws (fails the test when it converts). */
function refusal(rc: string | Uint8Array): ConfigError {
  try {
    convert(rc);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error("converted, expected a ConfigError");
}

const README_RC = `[global]
watch_config = yes    # only these 2 keys
watch_plugins = 1
[watches]
[[/some/path]]
plugins = scribe, replica
scribe_log = -
replica_destination = /mirror/dest
[[ "rel/it's #1" ]]
plugins = scribe, notify
scribe_log = logs/rel.log
notify_url = "http://x/#frag"
`;

describe("fromIobserver", () => {
  test("the README's rc: a recursive Watch per section with Scribe, Mirror and plugins_dir plugins", () => {
    const out = convert(README_RC);
    expect(out).toContain('import { Pyinotifyd, Watch, Scribe, Mirror, Plugin } from "seedwatch";');
    expect(out).toContain('path: "/some/path"');
    expect(out).toContain('new Scribe({ log: "-", events: ["all"] })');
    expect(out).toContain('new Mirror({ destination: "/mirror/dest" })');
    // Relative paths are resolved where iObserver ran; quotes keep "#" and "'" in values.
    expect(out).toContain(`path: ${JSON.stringify("/home/u/rel/it's #1")}`);
    expect(out).toContain('new Scribe({ log: "/home/u/logs/rel.log", events: ["all"] })');
    expect(out).toContain('new Plugin({ name: "notify", options: {"url":"http://x/#frag"} })');
    expect(out).toContain('plugins_dir: "./plugins"');
    expect(out).toContain("port it to plugins/notify.ts with definePlugin()");
    expect(out).toContain("watch_config = yes");
    expect(out).toContain("watch_plugins = yes");
    expect(out.match(/rec: true,\n\s+auto_add: true/g)?.length).toBe(2);
    new Bun.Transpiler({ loader: "ts" }).transformSync(out); // throws on a syntax error
  });

  test("a path with quotes and backslashes stays one string literal", () => {
    const out = convert('[watches]\n[["/a\\\\b\\"c"]]\nplugins = scribe\n');
    expect(out).toContain(`path: ${JSON.stringify('/a\\\\b\\"c')}`);
    expect(out).not.toContain("Plugin }");
    expect(out).not.toContain("plugins_dir:");
    new Bun.Transpiler({ loader: "ts" }).transformSync(out);
  });

  test("mirror is accepted as the README's name for replica; CRLF lines are read", () => {
    const out = convert("[watches]\r\n[[/s]]\r\nplugins = mirror\r\nmirror_destination = ../m\r\n");
    expect(out).toContain('new Mirror({ destination: "/home/m" })');
  });

  test.each([
    ["a line that is not key = value", "[watches]\n[[/s]]\nplugins = scribe\nthis is not ini\n", /line 4/],
    ["a key before any section", "plugins = scribe\n", /line 1/],
    ["a watch outside [watches]", "[global]\n[[/s]]\n", /outside \[watches\] \(line 2\)/],
    ["an unknown section", "[watches]\n[[/s]]\nplugins = scribe\n[extra]\n", /unknown section \[extra\] \(line 4\)/],
    [
      "an illegal global option",
      "[global]\nwatch_config = yes\nverbose = 1\n[watches]\n[[/s]]\nplugins = scribe\n",
      /Illegal option "verbose" \(line 3\)/,
    ],
    ["a watch without plugins", "[watches]\n[[/s]]\n", /has no plugins/],
    ["a key for no plugin of the watch", "[watches]\n[[/s]]\nplugins = scribe\nreplica_destination = /m\n", /line 4/],
    ["a replica without destination", "[watches]\n[[/s]]\nplugins = replica\n", /needs replica_destination/],
    ["a section twice", "[watches]\n[[/s]]\nplugins = scribe\n[[/s]]\nplugins = scribe\n", /lines 2 and 4/],
    ["a key twice", "[watches]\n[[/s]]\nplugins = scribe\nplugins = replica\n", /lines 3 and 4/],
    ["no watches at all", "[global]\nwatch_config = no\n", /has no watches/],
  ])("%s is one ConfigError with a hint", (_, rc, message) => {
    const e = refusal(rc);
    expect(e.message).toMatch(message);
    expect(e.message).not.toContain("\n");
    expect(e.hint).toBeTruthy();
  });

  test("bytes that are not UTF-8 name their line instead of becoming U+FFFD in a path", () => {
    const rc = Buffer.concat([
      Buffer.from("[watches]\n[[/caf"),
      Buffer.from([0xe9]),
      Buffer.from("]]\nplugins = scribe\n"),
    ]);
    expect(refusal(rc).message).toMatch(/line 2 is not UTF-8/);
  });
});
