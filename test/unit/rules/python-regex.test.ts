// rules/python-regex.ts: pyinotifyd's regular expressions, one translation for
// exclude_filter and FileManagerRule.

import { expect, test } from "bun:test";
import { pythonPattern, pythonReplacement } from "../../../src/rules/python-regex.ts";
import { Pyinotifyd, validateConfig, Watch } from "../../../src/rules/config.ts";
import { TaskScheduler } from "../../../src/rules/scheduler.ts";

test("named groups and back-references, replacements by name and number", () => {
  const re = new RegExp(pythonPattern("^/in/(?P<d>\\w+)/(?P=d)\\.(?P<ext>mkv)$"));
  expect(re.exec("/in/a/a.mkv")?.groups).toEqual({ d: "a", ext: "mkv" });
  expect(re.test("/in/a/b.mkv")).toBe(false);
  expect("/in/a/a.mkv".replace(re, pythonReplacement("/out/\\g<ext>/\\g<1>-\\2"))).toBe("/out/mkv/a-mkv");
  expect(pythonPattern("(?<js>x)\\k<js>")).toBe("(?<js>x)\\k<js>"); // JavaScript's own forms pass
  expect(pythonReplacement("$<js>$1")).toBe("$<js>$1");
});

test("exclude_filter takes the same syntax as FileManagerRule (back-references too)", () => {
  const job = new TaskScheduler({ job: () => {} });
  const config = validateConfig(
    new Pyinotifyd({
      watches: [new Watch({ path: "/w", event_map: { IN_CREATE: job }, exclude_filter: ["/w/(?P<x>\\w)(?P=x)"] })],
    }),
  );
  const [exclude] = config.watches[0]!.exclude;
  expect([exclude!.test("/w/aa"), exclude!.test("/w/ab")]).toEqual([true, false]);
});
