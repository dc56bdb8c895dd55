import { afterEach, expect, test } from "bun:test";
import type { LogObject } from "consola/core";
import { fsEvent } from "../../../src/events/index.ts";
import { setFormat, setReporter } from "../../../src/log.ts";
import { LEVELS, resetLoglevels, schedLog, setLoglevel } from "../../../src/rules/logging.ts";

afterEach(() => {
  resetLoglevels();
  setFormat("text");
});

test("setLoglevel per logname, and pyinotifyd's message suffix", () => {
  const seen: LogObject[] = [];
  setReporter({ log: (o) => void seen.push(o) });
  setLoglevel(LEVELS.WARNING, "quiet");
  const ev = fsEvent("IN_CREATE", "/w/a", false, "/w");
  schedLog("quiet").info("start task", ev, "id-1");
  schedLog("quiet").warn("careful", ev, "id-1");
  schedLog("loud").info("start task", ev, "id-2");
  expect(seen.map((o) => `${o.tag}: ${o.args.join(" ")}`)).toEqual([
    "quiet: careful, mask=IN_CREATE, path=/w/a, task_id=id-1",
    "loud: start task, mask=IN_CREATE, path=/w/a, task_id=id-2",
  ]);
});
