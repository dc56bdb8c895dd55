// WatchPlugins under a real Supervisor, on the fake watcher and clock, with recording
// plugins: init once the watch is in place, events to whoever wants them, gone then dead,
// reconfig only for changed options, and a bounded wait at stop.

import { describe, expect, test } from "bun:test";
import type { EventName } from "../../../src/events/index.ts";
import { WatchPlugins, type PluginWatch, type PlannedPlugin } from "../../../src/plugins/index.ts";
import { Supervisor } from "../../../src/supervisor/index.ts";
import { FakeClock, settle } from "../../fakes/clock.ts";
import { RecordingPlugin } from "../../fakes/plugin.ts";
import { FakeFs, FakeWatcher } from "../../fakes/watcher.ts";

function planned(label: string, options: unknown = {}): PlannedPlugin {
  return { key: `${label}#0`, spec: { kind: "file", label, options, field: "x" } };
}

function watchOf(root: string, plugins: PlannedPlugin[]): PluginWatch {
  return { key: root, root, request: { root, events: ["IN_CREATE", "IN_CLOSE_WRITE", "IN_DELETE"] }, plugins };
}

function rig(made: Map<string, RecordingPlugin>, events: Record<string, EventName[]> = {}) {
  const fs = new FakeFs();
  fs.mkdirp("/w");
  const clock = new FakeClock();
  const sup = new Supervisor({ makeWatcher: (h) => new FakeWatcher(h, fs), clock });
  const attach = (p: PlannedPlugin) => {
    const r = new RecordingPlugin(p.spec.label, events[p.spec.label], { holdIdle: p.spec.label === "slow" });
    made.set(p.spec.label, r);
    return r;
  };
  return { fs, clock, sup, attach };
}

describe("WatchPlugins", () => {
  test("init once the watch is in place; each event to each plugin that wants it, in order", async () => {
    const made = new Map<string, RecordingPlugin>();
    const r = rig(made, { writes: ["IN_CLOSE_WRITE"] });
    r.fs.write("/w/before");
    await r.sup.add([new WatchPlugins(watchOf("/w", [planned("all"), planned("writes")]), r.attach, 1000)]);
    r.fs.write("/w/a");
    r.fs.rm("/w/a");
    expect(made.get("all")!.calls).toEqual(["init", "create /w/a", "write /w/a", "delete /w/a"]);
    expect(made.get("writes")!.calls).toEqual(["init", "write /w/a"]);
  });

  test("the root going away: gone, then dead, to every plugin; nothing after", async () => {
    const made = new Map<string, RecordingPlugin>();
    const r = rig(made, { writes: ["IN_CLOSE_WRITE"] });
    await r.sup.add([new WatchPlugins(watchOf("/w", [planned("writes")]), r.attach, 1000)]);
    r.fs.rm("/w");
    r.fs.mkdirp("/w");
    r.fs.write("/w/late");
    expect(made.get("writes")!.calls).toEqual(["init", "gone /w", "dead: the watched directory is gone"]);
  });

  test("update: removed plugins get dead, new ones init, only changed options reconfig", async () => {
    const made = new Map<string, RecordingPlugin>();
    const r = rig(made);
    const svc = new WatchPlugins(
      watchOf("/w", [planned("same", { a: 1 }), planned("changed", { a: 1 }), planned("removed")]),
      r.attach,
      1000,
    );
    await r.sup.add([svc]);
    svc.update(watchOf("/w", [planned("same", { a: 1 }), planned("changed", { a: 2 }), planned("added")]));
    expect(made.get("same")!.calls).toEqual(["init"]);
    expect(made.get("changed")!.calls).toEqual(["init", 'reconfig {"a":2}']);
    expect(made.get("removed")!.calls).toEqual(["init", "dead: it was removed from the config"]);
    expect(made.get("added")!.calls).toEqual(["init"]);
  });

  test("stop: dead to each, then waits for them, up to the shutdown timeout", async () => {
    const made = new Map<string, RecordingPlugin>();
    const r = rig(made);
    await r.sup.add([new WatchPlugins(watchOf("/w", [planned("slow")]), r.attach, 5000)]);
    const code = r.sup.run();
    r.sup.stop("test");
    await settle();
    expect(made.get("slow")!.calls).toEqual(["init", "dead: the daemon stops"]);
    let done = false;
    void code.then(() => (done = true));
    await r.clock.advance(4999);
    expect(done).toBe(false);
    await r.clock.advance(1);
    expect(await code).toBe(0);
  });
});
