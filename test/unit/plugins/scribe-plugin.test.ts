// The Scribe plugin on one root: the events it asks for follow its options, reloads included.

import { describe, expect, test } from "bun:test";
import { fsEvent } from "../../../src/events/index.ts";
import { SCRIBE } from "../../../src/plugins/scribe/scribe.ts";
import { FakeClock } from "../../fakes/clock.ts";
import { tempDir } from "../../helpers/tmp.ts";

describe("Scribe plugin", () => {
  test("its events are its options', and a reconfig with other events changes them", async () => {
    using dir = tempDir("scribe-plugin");
    const valid = (o: object) => SCRIBE.validate({ log: "log", ...o }, "watches[0].plugins[0]").options;
    const host = { root: dir.join("w"), configDir: dir.path, clock: new FakeClock(), shared: new Map() };
    const plugin = SCRIBE.attach(valid({ events: ["create"] }), host);
    expect([...plugin.events]).toEqual(["IN_CREATE"]);
    expect(plugin.events.has("IN_DELETE")).toBe(false);
    plugin.reconfig(valid({ events: ["delete"] }));
    expect([...plugin.events]).toEqual(["IN_DELETE"]);
    plugin.init();
    plugin.event(fsEvent("IN_DELETE", dir.join("w", "f"), false, host.root));
    plugin.dead("the test ends");
    await plugin.idle();
    const text = await Bun.file(dir.join("log")).text();
    expect(text).toContain("file 'f' was DELETED");
  });
});
