// config/user-api.ts: each layer's part of what user files see, composed at the top, and
// a run config's keys validated by the layer that owns them.

import { expect, test } from "bun:test";
import { composeUserApi, type ConfigSection, type WatchSection } from "../../../src/config/user-api.ts";
import { ConfigError } from "../../../src/errors.ts";
import { HOOKS_API } from "../../../src/hooks/user-api.ts";
import { RTORRENT_API, RTORRENT_SECTION } from "../../../src/rtorrent/user-api.ts";
import { Pyinotifyd, validateConfig, Watch } from "../../../src/rules/config.ts";
import { describeConfig } from "../../../src/rules/describe.ts";
import { RULES_API } from "../../../src/rules/user-api.ts";

test("the parts compose: every export, each section's key in PyinotifydOptions", () => {
  const api = composeUserApi([HOOKS_API, RTORRENT_API, RULES_API]);
  expect(Object.keys(api.exports)).toEqual(
    expect.arrayContaining(["VERSION", "env", "defineHooks", "Pyinotifyd", "FileManagerRule", "CRITICAL"]),
  );
  expect(api.sections.map((s) => s.key)).toEqual(["rtorrent"]);
  expect(api.dts).toMatch(
    /export interface PyinotifydOptions \{\n\s+\/\*\* Run the rtorrent index[^\n]*\n\s+rtorrent\?:/,
  );
});

test("an export or a key added twice is a bug, caught when composing", () => {
  expect(() => composeUserApi([RULES_API, { exports: { Watch: 1 } }])).toThrow(/exports Watch twice/);
  expect(() => composeUserApi([RTORRENT_API, { sections: [RTORRENT_SECTION] }])).toThrow(/rtorrent is added twice/);
});

test("a section's key is known only when its layer adds it, and validated by it", () => {
  const config = new Pyinotifyd({ rtorrent: { session: "/s", paths: ["/d"] } });
  expect(() => validateConfig(config)).toThrow(/Pyinotifyd: unknown key "rtorrent"/);
  const valid = validateConfig(config, [RTORRENT_SECTION]);
  expect(valid.rtorrent).toEqual({ session: "/s", paths: ["/d"] });
  expect(describeConfig(valid, [RTORRENT_SECTION])).toContain("rtorrent: index of /s\n");
  for (const [bad, message] of [
    [{ paths: [] }, /^rtorrent\.session: must be the session directory/],
    [{ session: "/s", max_delet: 5 }, /^rtorrent: unknown key "max_delet"/],
    ["/s", /^rtorrent: must be an object/],
  ] as const)
    expect(() => validateConfig(new Pyinotifyd({ rtorrent: bad as never }), [RTORRENT_SECTION])).toThrow(message);
});

test("a new section (as plugins or the queue will add) needs nothing below it", () => {
  const plugins = {
    key: "plugins",
    dts: "    plugins?: string[];",
    validate(value: unknown, field: string) {
      if (!Array.isArray(value)) throw new ConfigError("must be a list", field, value);
      return value;
    },
  } as unknown as ConfigSection;
  const valid = validateConfig(new Pyinotifyd({ plugins: ["scribe"] } as never), [plugins]);
  expect((valid as unknown as Record<string, unknown>).plugins).toEqual(["scribe"]);
  expect(() => validateConfig(new Pyinotifyd({ plugins: "x" } as never), [plugins])).toThrow(
    /^plugins: must be a list/,
  );
});

test(
  "a Watch key added from above: validated by its layer, " + "event_map optional when it acts, described by --check",
  () => {
    const notes = {
      key: "notes",
      dts: "    notes?: string[];",
      validate(value: unknown, field: string) {
        if (!Array.isArray(value)) throw new ConfigError("must be a list", field, value);
        return value;
      },
      acts: (value: unknown[]) => value.length > 0,
      describe: (value: unknown[]) => [`notes: ${value.join(", ")}`],
    } as unknown as WatchSection;
    const watch = (o: object) => new Pyinotifyd({ watches: [new Watch({ path: "/w", ...o })] });
    expect(() => validateConfig(watch({ notes: ["a"] }))).toThrow(/^watches\[0\]: unknown key "notes"/);
    const valid = validateConfig(watch({ notes: ["a", "b"] }), [], [notes]);
    expect((valid.watches[0] as unknown as Record<string, unknown>).notes).toEqual(["a", "b"]);
    expect(valid.watches[0]!.map.size).toBe(0);
    expect(describeConfig(valid, [], [notes])).toContain("watch /w (this directory only)\n  notes: a, b\n");
    expect(() => validateConfig(watch({ notes: "x" }), [], [notes])).toThrow(/^watches\[0\]\.notes: must be a list/);
    expect(() => validateConfig(watch({ notes: [] }), [], [notes])).toThrow(
      /^watches\[0\]\.event_map: is missing: which events go to which scheduler \(or notes\)/,
    );
    expect(composeUserApi([RULES_API, { watchSections: [notes] }]).dts).toMatch(
      /export interface WatchOptions \{\n {4}notes\?: string\[\];\n {2}\}/,
    );
    expect(() => composeUserApi([{ watchSections: [notes] }, { watchSections: [notes] }])).toThrow(
      /the Watch key notes is added twice/,
    );
  },
);
