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

test(
  "a tagged logger made early still reaches sinks " + "and levels set later (consola's withTag copies them)",
  async () => {
    const { addSink, log, removeSink, setVerbosity } = await import("../../../src/log.ts");
    const early = log.withTag("early");
    const seen: string[] = [];
    const sink = { log: (o: LogObject) => void seen.push(`${o.tag}:${o.type}:${o.args.join(" ")}`) };
    addSink(sink);
    try {
      early.info("hello");
      early.debug("hidden");
      setVerbosity(1);
      early.debug("shown");
      expect(seen).toEqual(["early:info:hello", "early:debug:shown"]);
    } finally {
      removeSink(sink);
      setVerbosity(0);
    }
  },
);
