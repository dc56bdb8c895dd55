// The Supervisor on the fake watcher and the fake clock: shared watches, who gets which
// event, services that end, stop order, reloads that fail, signals as calls.

import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import type { LogObject } from "consola/core";
import type { FsEvent } from "../../../src/events/index.ts";
import { setFormat, setReporter } from "../../../src/log.ts";
import { onSignals, ReloadOnSave, RELOAD_DEBOUNCE_MS, Supervisor } from "../../../src/supervisor/index.ts";
import type { Service, ServiceContext, WatchRequest } from "../../../src/supervisor/index.ts";
import { makeFilter } from "../../../src/watch/index.ts";
import { FakeClock, settle } from "../../fakes/clock.ts";
import { FakeFs, FakeWatcher } from "../../fakes/watcher.ts";

/** A service that records what it is told; `journal` is shared, in call order. */
class Probe implements Service {
  readonly events: FsEvent[] = [];
  ctx: ServiceContext | undefined;
  end!: (code: number) => void;
  readonly ended = new Promise<number>((r) => (this.end = r));
  /** Resolve to let stop() finish (it finishes at once unless `holdStop`). */
  releaseStop: () => void = () => {};
  endedNow = false;

  constructor(
    readonly name: string,
    private readonly requests: WatchRequest[],
    private readonly journal: string[],
    private readonly opts: { failStart?: boolean; holdStop?: boolean } = {},
  ) {}

  watches(): WatchRequest[] {
    return this.requests;
  }

  async start(ctx: ServiceContext): Promise<void> {
    this.journal.push(`start ${this.name}`);
    if (this.opts.failStart) throw new Error(`${this.name} cannot start`);
    this.ctx = ctx;
  }

  onEvent(ev: FsEvent): void {
    this.events.push(ev);
  }

  async stop(): Promise<void> {
    this.journal.push(`stop ${this.name}`);
    if (this.opts.holdStop) await new Promise<void>((r) => (this.releaseStop = r));
    this.journal.push(`stopped ${this.name}`);
  }

  endNow(): void {
    this.endedNow = true;
  }

  /** "kind root path" of each event, names first where they matter. */
  seen(): string[] {
    return this.events.map((e) => `${e.kind} ${e.root} ${e.path}`);
  }
}

function rig(dirs: string[] = ["/w"], reachable = () => true) {
  const fs = new FakeFs();
  for (const d of dirs) fs.mkdirp(d);
  const clock = new FakeClock();
  const journal: string[] = [];
  const reloads: string[] = [];
  let watcher!: FakeWatcher;
  const pollers = new Map<number, FakeWatcher>();
  const sup = new Supervisor({
    makeWatcher: (h) => (watcher = new FakeWatcher(h, fs)),
    makePollWatcher: (h, ms) => pollers.set(ms, new FakeWatcher(h, fs)).get(ms)!,
    clock,
    reachable,
    reload: async (why) => void reloads.push(why),
  });
  const closed = () => !fs.watchers.has(watcher);
  return { fs, clock, journal, reloads, sup, watcher: () => watcher, pollers, closed };
}

const logs: string[] = [];
beforeEach(() => {
  logs.length = 0;
  setReporter({ log: (r: LogObject) => void logs.push(`${r.tag}: ${r.args.join(" ")}`) });
});
afterEach(() => setFormat("text"));

describe("Supervisor: one watcher, shared", () => {
  test("two services on one root share one watch, and each gets only the events it asked for", async () => {
    const r = rig();
    const writes = new Probe(
      "writes",
      [{ root: "/w", events: ["IN_CLOSE_WRITE"], filter: makeFilter({ excludeGlob: ["*.part", "skip"] }) }],
      r.journal,
    );
    const creates = new Probe("creates", [{ root: "/w", recursive: false, events: ["IN_CREATE"] }], r.journal);
    await r.sup.add([writes, creates]);
    expect(r.watcher().roots()).toEqual(["/w"]);
    r.fs.write("/w/a.part");
    r.fs.mkdirp("/w/d");
    r.fs.write("/w/d/f");
    r.fs.mkdirp("/w/skip");
    r.fs.write("/w/skip/g"); // the watch serves both, so it descends; "writes" excluded it
    expect(writes.seen()).toEqual(["write /w /w/d/f"]);
    expect(creates.seen()).toEqual(["create /w /w/a.part", "create /w /w/d", "create /w /w/skip"]);
  });

  test(
    "a root below another service's recursive root is served by that watch, " + "with its own root on its events",
    async () => {
      const r = rig(["/w/session"]);
      const rules = new Probe("rules", [{ root: "/w", events: ["IN_CLOSE_WRITE"] }], r.journal);
      const tracker = new Probe(
        "tracker",
        [{ root: "/w/session", recursive: false, events: ["IN_CLOSE_WRITE"] }],
        r.journal,
      );
      await r.sup.add([rules, tracker]);
      expect(r.watcher().roots()).toEqual(["/w"]);
      r.fs.write("/w/session/X.torrent");
      r.fs.write("/w/y");
      expect(rules.seen()).toEqual(["write /w /w/session/X.torrent", "write /w /w/y"]);
      expect(tracker.seen()).toEqual(["write /w/session /w/session/X.torrent"]);
    },
  );

  test("a root that cannot be reached without a symlink gets a watch of its own", async () => {
    const r = rig(["/w/session"], () => false);
    await r.sup.add([
      new Probe("rules", [{ root: "/w" }], r.journal),
      new Probe("tracker", [{ root: "/w/session", recursive: false }], r.journal),
    ]);
    expect(r.watcher().roots().sort()).toEqual(["/w", "/w/session"]);
  });

  test("overflow and rescanned reach every service for each of its roots", async () => {
    const r = rig(["/w/session", "/x"]);
    const rules = new Probe("rules", [{ root: "/w" }], r.journal);
    const tracker = new Probe("tracker", [{ root: "/w/session", recursive: false }], r.journal);
    const other = new Probe("other", [{ root: "/x", events: [] }], r.journal);
    await r.sup.add([rules, tracker, other]);
    r.watcher().overflow();
    const control = (p: Probe) => p.seen().filter((s) => /^(overflow|rescanned)/.test(s));
    expect(control(rules)).toEqual(["overflow /w /w", "rescanned /w /w"]);
    expect(control(tracker)).toEqual(["overflow /w/session /w/session", "rescanned /w/session /w/session"]);
    expect(control(other)).toEqual(["overflow /x /x", "rescanned /x /x"]);
  });

  test("a second claim that asks for more re-adds the root wider; the first still gets only its own", async () => {
    const r = rig();
    const a = new Probe("a", [{ root: "/w", recursive: false, events: ["IN_CREATE"] }], r.journal);
    await r.sup.add([a]);
    const b = new Probe("b", [{ root: "/w", events: ["IN_CLOSE_WRITE"] }], r.journal);
    await r.sup.add([b]);
    expect(r.watcher().roots()).toEqual(["/w"]);
    r.fs.mkdirp("/w/d");
    r.fs.write("/w/d/f");
    expect(a.seen()).toEqual(["create /w /w/d"]);
    expect(b.seen()).toEqual(["write /w /w/d/f"]);
  });
});

describe("Supervisor: polled roots", () => {
  test(
    "a claim that asks for poll is served by a poll watcher of that interval; " + "its events are routed alike",
    async () => {
      const r = rig(["/w", "/nfs"]);
      const local = new Probe("local", [{ root: "/w", events: ["IN_CLOSE_WRITE"] }], r.journal);
      const remote = new Probe("remote", [{ root: "/nfs", poll: 500, events: ["IN_CLOSE_WRITE"] }], r.journal);
      await r.sup.add([local, remote]);
      expect(r.watcher().roots()).toEqual(["/w"]);
      expect([...r.pollers.keys()]).toEqual([500]);
      expect(r.pollers.get(500)!.roots()).toEqual(["/nfs"]);
      r.fs.write("/nfs/f");
      r.fs.write("/w/g");
      // The fake file system reports to every fake watcher; each watcher reports its own roots.
      expect(remote.seen()).toEqual(["write /nfs /nfs/f"]);
      expect(local.seen()).toEqual(["write /w /w/g"]);
      const code = r.sup.run();
      r.sup.stop("test");
      expect(await code).toBe(0);
      expect(r.fs.watchers.size).toBe(0); // every watcher closed, poll ones too
    },
  );

  test(
    "an inotify claim and a poll claim on one root: the root is polled; " +
      "a poll root is never served from above by inotify",
    async () => {
      const r = rig(["/w/mnt"]);
      const a = new Probe("a", [{ root: "/w" }], r.journal);
      const b = new Probe("b", [{ root: "/w/mnt", poll: 200 }], r.journal);
      const c = new Probe("c", [{ root: "/w/mnt", recursive: false }], r.journal);
      await r.sup.add([a, b, c]);
      expect(r.watcher().roots()).toEqual(["/w"]);
      expect(r.pollers.get(200)!.roots()).toEqual(["/w/mnt"]);
    },
  );
});

describe("Supervisor: lifecycle", () => {
  test("watch first, then start, in order; stop in reverse order, then the watcher closes", async () => {
    const r = rig(["/w", "/x"]);
    const one = new Probe("one", [{ root: "/w" }], r.journal, { holdStop: true });
    const two = new Probe("two", [{ root: "/x" }], r.journal);
    await r.sup.add([one, two]);
    expect(r.journal).toEqual(["start one", "start two"]);
    const code = r.sup.run();
    r.sup.stop("test");
    await settle();
    expect(r.journal.slice(2)).toEqual(["stop two", "stopped two", "stop one"]);
    expect(r.closed()).toBe(false); // "one" is still stopping
    one.releaseStop();
    expect(await code).toBe(0);
    expect(r.closed()).toBe(true);
  });

  test("no events reach a service once it is being stopped", async () => {
    const r = rig();
    const p = new Probe("p", [{ root: "/w" }], r.journal, { holdStop: true });
    await r.sup.add([p]);
    const code = r.sup.run();
    r.sup.stop("test");
    await settle();
    r.fs.write("/w/late");
    expect(p.events).toEqual([]);
    p.releaseStop();
    expect(await code).toBe(0);
  });

  test("a service whose root is gone ends the run with its code; every service is stopped", async () => {
    const r = rig(["/w/session", "/x"]);
    const rules = new Probe("rules", [{ root: "/w" }], r.journal);
    const tracker = new Probe("tracker", [{ root: "/w/session", recursive: false }], r.journal);
    const other = new Probe("other", [{ root: "/x" }], r.journal);
    await r.sup.add([rules, tracker, other]);
    const code = r.sup.run();
    r.fs.rm("/w/session");
    expect(tracker.seen()).toContain("gone /w/session /w/session");
    expect(rules.seen()).toContain("delete /w /w/session");
    tracker.end(4);
    expect(await code).toBe(4);
    expect(r.journal.filter((l) => l.startsWith("stopped")).sort()).toEqual([
      "stopped other",
      "stopped rules",
      "stopped tracker",
    ]);
  });

  test("a root that cannot be watched refuses the services that need it; nothing of theirs starts", async () => {
    const r = rig();
    const p = new Probe("p", [{ root: "/w" }, { root: "/missing" }], r.journal);
    await expect(r.sup.add([p])).rejects.toThrow(/missing/);
    expect(r.journal).toEqual([]);
    expect(r.watcher().roots()).toEqual([]);
  });

  test("a reload whose new service fails keeps the old one running, with its watch", async () => {
    const r = rig(["/w", "/v"]);
    const old = new Probe("old", [{ root: "/w" }], r.journal);
    await r.sup.add([old]);
    const broken = new Probe("broken", [{ root: "/v" }], r.journal, { failStart: true });
    await expect(r.sup.replace([old], [broken])).rejects.toThrow(/cannot start/);
    expect(r.watcher().roots()).toEqual(["/w"]);
    r.fs.write("/w/f");
    expect(old.seen()).toContain("write /w /w/f");
    expect(broken.events).toEqual([]);
    expect(r.journal).toEqual(["start old", "start broken"]);
  });

  test("a reload starts the new service before the old one stops; the old one gets nothing after", async () => {
    const r = rig(["/w", "/v"]);
    const old = new Probe("old", [{ root: "/w" }], r.journal);
    await r.sup.add([old]);
    const next = new Probe("next", [{ root: "/v" }], r.journal);
    await r.sup.replace([old], [next]);
    await settle();
    expect(r.journal).toEqual(["start old", "start next", "stop old", "stopped old"]);
    expect(r.watcher().roots()).toEqual(["/v"]);
    r.fs.write("/v/f");
    expect(next.seen()).toContain("write /v /v/f");
    expect(old.events).toEqual([]);
  });

  test("a service adds a root through its view of the watcher, and gets that root's events", async () => {
    const r = rig(["/w", "/extra"]);
    const p = new Probe("p", [{ root: "/w" }], r.journal);
    await r.sup.add([p]);
    await p.ctx!.watcher.add("/extra", { recursive: false });
    expect(p.ctx!.watcher.roots()).toEqual(["/w", "/extra"]);
    r.fs.write("/extra/f");
    expect(p.seen()).toContain("write /extra /extra/f");
  });
});

describe("signals and reloads", () => {
  class FakeSignals {
    readonly listeners = new Map<string, ((s: NodeJS.Signals) => void)[]>();
    on(signal: string, fn: (s: NodeJS.Signals) => void) {
      this.listeners.set(signal, [...(this.listeners.get(signal) ?? []), fn]);
    }
    off(signal: string, fn: (s: NodeJS.Signals) => void) {
      this.listeners.set(
        signal,
        (this.listeners.get(signal) ?? []).filter((f) => f !== fn),
      );
    }
    send(signal: NodeJS.Signals) {
      for (const fn of this.listeners.get(signal) ?? []) fn(signal);
    }
  }

  test("SIGHUP reloads, SIGTERM stops; a second SIGTERM ends the run at once with 130 after endNow", async () => {
    const r = rig();
    const p = new Probe("p", [{ root: "/w" }], r.journal, { holdStop: true });
    await r.sup.add([p]);
    const signals = new FakeSignals();
    const off = onSignals(r.sup, signals);
    const code = r.sup.run();
    signals.send("SIGHUP");
    await settle();
    expect(r.reloads).toEqual(["got signal SIGHUP"]);
    signals.send("SIGTERM");
    await settle();
    expect(r.journal).toContain("stop p");
    signals.send("SIGHUP");
    await settle();
    expect(r.reloads).toHaveLength(1); // no reload during shutdown
    signals.send("SIGINT");
    expect(await code).toBe(130);
    expect(p.endedNow).toBe(true);
    expect(logs.join("\n")).toContain("got signal SIGINT, but shutdown is already in progress; exiting now");
    off();
    expect([...signals.listeners.values()].flat()).toEqual([]);
    p.releaseStop();
  });

  test("without a reload call, SIGHUP is not listened to (its default still ends the process)", () => {
    const signals = new FakeSignals();
    onSignals({ stop: () => {} }, signals);
    expect([...signals.listeners.keys()].sort()).toEqual(["SIGINT", "SIGTERM"]);
  });

  test("saving the config file reloads once its burst of writes settles; other files do not", async () => {
    const r = rig(["/etc/sw"]);
    await r.sup.add([new ReloadOnSave("/etc/sw/config.ts")]);
    r.fs.write("/etc/sw/other.ts");
    r.fs.write("/etc/sw/config.ts.tmp");
    r.fs.rename("/etc/sw/config.ts.tmp", "/etc/sw/config.ts"); // an editor's save
    r.fs.write("/etc/sw/config.ts");
    await r.clock.advance(RELOAD_DEBOUNCE_MS - 1);
    expect(r.reloads).toEqual([]);
    await r.clock.advance(1);
    expect(r.reloads).toEqual(["config file changed"]);
  });
});
