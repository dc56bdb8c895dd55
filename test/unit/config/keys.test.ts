// config/keys.ts: one "did you mean" for option keys, flags and sub-verbs, and the
// refusal of unknown keys that every config class uses.

import { describe, expect, test } from "bun:test";
import { closest, rejectUnknownKeys } from "../../../src/config/keys.ts";
import { ConfigError } from "../../../src/errors.ts";
import { FileManagerRule } from "../../../src/rules/files.ts";
import { TaskScheduler } from "../../../src/rules/scheduler.ts";
import { enableSyslog } from "../../../src/rules/syslog.ts";

function refusal(f: () => unknown): ConfigError {
  try {
    f();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error("no ConfigError");
}

describe("closest", () => {
  test("near misses: typos, transpositions, case, _ and -, a prefix", () => {
    expect(closest("evnt_map", ["path", "event_map", "rec"])).toBe("event_map");
    expect(closest("delya", ["delay", "dirs"])).toBe("delay");
    expect(closest("AutoCreate", ["auto_create", "overwrite"])).toBe("auto_create");
    expect(closest("--formt", ["--format", "--json"])).toBe("--format");
    expect(closest("shutdown_time", ["shutdown_timeout", "logname"])).toBe("shutdown_timeout");
    expect(closest("shwo", ["list", "show", "owner", "orphans"])).toBe("show");
  });

  test("nothing near: undefined", () => {
    expect(closest("banana", ["path", "rec"])).toBeUndefined();
    expect(closest("x", [])).toBeUndefined();
  });
});

describe("rejectUnknownKeys", () => {
  test("names the field and the key, with the nearest known key or the list", () => {
    const near = refusal(() => rejectUnknownKeys({ path: "/", evnt_map: {} }, ["path", "event_map"], "watches[0]"));
    expect(near.message).toBe('watches[0]: unknown key "evnt_map"');
    expect(near.hint).toBe("did you mean event_map?");
    const far = refusal(() => rejectUnknownKeys({ zzz: 1 }, ["path", "event_map"], "watches[0]"));
    expect(far.hint).toBe("known keys: path, event_map");
  });

  test("spellings accepted but not advertised pass", () => {
    expect(() => rejectUnknownKeys({ name: "x" }, ["logname"], "enableSyslog", ["name"])).not.toThrow();
  });

  test("every config class uses it: a misspelled key gets a suggestion", () => {
    const rule = refusal(
      () => new FileManagerRule({ action: "move", src_re: "x", dst_re: "y", auto_creat: true } as never),
    );
    expect([rule.message, rule.hint]).toEqual([
      'FileManagerRule: unknown key "auto_creat"',
      "did you mean auto_create?",
    ]);
    const sched = refusal(() => new TaskScheduler({ job: () => {}, delya: 1 } as never));
    expect([sched.message, sched.hint]).toEqual(['TaskScheduler: unknown key "delya"', "did you mean delay?"]);
    const syslog = refusal(() => enableSyslog({ adress: "/dev/log" } as never));
    expect([syslog.message, syslog.hint]).toEqual(['enableSyslog: unknown key "adress"', "did you mean address?"]);
  });
});
