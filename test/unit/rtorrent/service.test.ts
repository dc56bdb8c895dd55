// TrackerService under a Supervisor, on the fake watcher and the fake clock: the session
// files are real (the tracker reads the disk), the events and the time are the test's.

import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import type { LogObject } from "consola/core";
import { setFormat, setReporter } from "../../../src/log.ts";
import { TrackerService } from "../../../src/rtorrent/service.ts";
import { RECONCILE_DEBOUNCE_MS } from "../../../src/rtorrent/tracker.ts";
import { SessionStore } from "../../../src/rtorrent/store.ts";
import { Supervisor } from "../../../src/supervisor/index.ts";
import { FakeClock, settle } from "../../fakes/clock.ts";
import { FakeFs, FakeWatcher } from "../../fakes/watcher.ts";
import { makeTorrent, writeSession } from "../../helpers/rtorrent.ts";
import { tempDir, type TempDir } from "../../helpers/tmp.ts";

const logs: string[] = [];
beforeEach(() => {
  logs.length = 0;
  setReporter({ log: (r: LogObject) => void logs.push(`${r.tag}: ${r.args.join(" ")}`) });
});
afterEach(() => setFormat("text"));

async function tracked(dir: TempDir, hooks?: string) {
  const session = dir.join("session");
  mkdirSync(session, { recursive: true });
  const fs = new FakeFs();
  fs.mkdirp(session);
  const clock = new FakeClock();
  const supervisor = new Supervisor({ makeWatcher: (h) => new FakeWatcher(h, fs), clock });
  const hookFiles = hooks ? [dir.join("hooks.ts")] : [];
  if (hooks) writeFileSync(hookFiles[0]!, hooks);
  const db = dir.join("index.db");
  const setup = { session, roots: [], db, hookFiles, remove: false, hookTimeoutMs: 30_000, args: {} };
  const service = new TrackerService(setup);
  await supervisor.add([service]);
  const count = () => {
    const store = SessionStore.open(db);
    const n = store.hashes().size;
    store.close();
    return n;
  };
  /** rtorrent writes a torrent's files (on disk), and the fake watcher reports them. */
  const add = (name: string) => {
    const t = makeTorrent({ name, length: 1 });
    writeSession(session, t, { directory: dir.join("dl") });
    for (const ext of [".libtorrent_resume", ".rtorrent", ""]) fs.write(`${session}/${t.hash}.torrent${ext}`);
    return t;
  };
  return { fs, clock, supervisor, service, session, count, add };
}

describe("TrackerService", () => {
  test("what was there before is indexed at start; a burst of session writes is read once it settles", async () => {
    using dir = tempDir();
    writeSession(dir.join("session"), makeTorrent({ name: "Before", length: 1 }), { directory: dir.join("dl") });
    const t = await tracked(dir);
    expect(t.count()).toBe(1);
    t.add("After");
    await t.clock.advance(RECONCILE_DEBOUNCE_MS - 1);
    expect(t.count()).toBe(1);
    await t.clock.advance(1);
    await settle();
    expect(t.count()).toBe(2);
    expect(logs.filter((l) => l.includes("added") && l.includes('"After"'))).toHaveLength(1);
  });

  test("a hook that never settles is given up on at its timeout, on the clock, and the index goes on", async () => {
    using dir = tempDir();
    const t = await tracked(dir, "export function post_add() { return new Promise(() => {}); }\n");
    t.add("Slow");
    await t.clock.advance(RECONCILE_DEBOUNCE_MS);
    await settle();
    expect(t.count()).toBe(1);
    expect(logs.join("\n")).not.toContain("did not finish");
    await t.clock.advance(30_000);
    expect(logs.join("\n")).toContain("hook post_add did not finish within 30 s");
  });

  test("the session directory going away ends the run with 4, after post_loop", async () => {
    using dir = tempDir();
    const t = await tracked(
      dir,
      `export function post_loop() {
  require("node:fs").writeFileSync(${JSON.stringify(dir.join("post_loop"))}, "");
}\n`,
    );
    const code = t.supervisor.run();
    t.fs.rm(t.session);
    expect(await code).toBe(4);
    expect(logs.join("\n")).toContain("is gone; stopping");
    expect(await Bun.file(dir.join("post_loop")).exists()).toBe(true);
  });
});
