// The Mirror plugin fed events by hand, many at once, as a busy daemon hands them over:
// what it remembers by path (folders to settle, files awaited, failures) must follow the
// renames that come in the same batch.

import { describe, expect, test } from "bun:test";
import { mkdirSync, readdirSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { type Clock, realClock } from "../../../src/clock.ts";
import { type EventName, fsEvent } from "../../../src/events/index.ts";
import { DELETE_QUIET_MS } from "../../../src/plugins/mirror/mirror.ts";
import { MIRROR } from "../../../src/plugins/mirror/options.ts";
import { CHECK_WALK_MS } from "../../../src/plugins/mirror/second-looks.ts";
import { FakeClock } from "../../fakes/clock.ts";
import { type TempDir, tempDir } from "../../helpers/tmp.ts";
import { waitFor } from "../../helpers/wait.ts";

import { differences } from "../../integration/plugins/mirror-rig.ts";

const HAVE_RSYNC = Bun.which("rsync") !== null;

/** A Mirror of dir/src into dir/dst, its first comparison done. */
async function started(dir: TempDir, clock: Clock = realClock) {
  const host = { root: dir.join("src"), configDir: dir.path, clock, shared: new Map() };
  const plugin = MIRROR.attach(MIRROR.validate({ destination: dir.join("dst") }, "plugins[0]").options as never, host);
  plugin.init();
  await plugin.idle();
  return plugin;
}

describe.skipIf(!HAVE_RSYNC)("Mirror plugin", () => {
  test("folders changed and then renamed in the same batch get their times (they follow the renames)", async () => {
    using dir = tempDir("mirror-plugin");
    const [src, dst] = [dir.join("src"), dir.join("dst")];
    mkdirSync(`${src}/a/b/c`, { recursive: true });
    writeFileSync(`${src}/a/b/c/f`, "payload");
    const plugin = await started(dir);
    expect(differences(src, dst)).toBe("");
    // Each rename changes the time of the folder above it, and that folder is renamed next.
    const renames: [string, string, boolean][] = [
      ["a/b/c/f", "a/b/c/g", false],
      ["a/b", "a/B", true],
      ["a", "A", true],
    ];
    for (const [from, to] of renames) renameSync(`${src}/${from}`, `${src}/${to}`);
    // The times those renames gave the folders, made unmistakable (rsync compares whole
    // seconds): what the mirror must copy when it settles them. No event says it; the
    // renames' events mark the folders.
    for (const folder of ["A", "A/B/c"]) utimesSync(`${src}/${folder}`, 1_000_000_000, 1_000_000_000);
    const move = (name: EventName, path: string, isDir: boolean, other: object) =>
      fsEvent(name, `${src}/${path}`, isDir, src, { kind: "move", ...other });
    for (const [from, to, isDir] of renames) {
      plugin.event(move("IN_MOVED_FROM", from, isDir, { to: `${src}/${to}` }));
      plugin.event(move("IN_MOVED_TO", to, isDir, { from: `${src}/${from}` }));
    }
    await plugin.idle();
    expect(differences(src, dst)).toBe("");
    plugin.dead("the test ends");
  });

  test("a folder that a rename brings in as a copy, renamed again in the same batch, is mirrored with what it holds", async () => {
    using dir = tempDir("mirror-plugin");
    const [src, dst] = [dir.join("src"), dir.join("dst")];
    mkdirSync(`${src}/a6/a`, { recursive: true });
    const plugin = await started(dir);
    // A soak run's case: the mirror never had a1/d8/b, so the first rename is a copy of
    // a6/a/d10, which must happen before the rename of a6 that the queue holds behind it.
    mkdirSync(`${src}/a1/d8/b`, { recursive: true });
    writeFileSync(`${src}/a1/d8/b/f`, "inside");
    renameSync(`${src}/a1/d8/b`, `${src}/a6/a/d10`);
    renameSync(`${src}/a6`, `${src}/d11`);
    const ev = (name: EventName, path: string, isDir: boolean, other: object = {}) =>
      plugin.event(fsEvent(name, `${src}/${path}`, isDir, src, other));
    ev("IN_CREATE", "a1", true, { kind: "create" });
    ev("IN_CREATE", "a1/d8", true, { kind: "create" });
    ev("IN_CREATE", "a1/d8/b", true, { kind: "create" });
    ev("IN_CLOSE_WRITE", "a1/d8/b/f", false, { kind: "modify" });
    ev("IN_MOVED_FROM", "a1/d8/b", true, { kind: "move", to: `${src}/a6/a/d10` });
    ev("IN_MOVED_TO", "a6/a/d10", true, { kind: "move", from: `${src}/a1/d8/b` });
    ev("IN_MOVED_FROM", "a6", true, { kind: "move", to: `${src}/d11` });
    ev("IN_MOVED_TO", "d11", true, { kind: "move", from: `${src}/a6` });
    await plugin.idle();
    expect(differences(src, dst)).toBe("");
    plugin.dead("the test ends");
  });

  test("folders whose times are due after the source renamed them, the rename's event still to come, get them where it puts them", async () => {
    using dir = tempDir("mirror-plugin");
    const [src, dst] = [dir.join("src"), dir.join("dst")];
    mkdirSync(`${src}/a/b/sub`, { recursive: true });
    const plugin = await started(dir);
    // A soak run's case: a rename inside a/ (its folders' times change), then a/ renamed
    // to z/ before the mirror handled the first; the queue drains between the two events,
    // and the folders to settle are where the source no longer has them.
    renameSync(`${src}/a/b/sub`, `${src}/a/x`);
    renameSync(`${src}/a`, `${src}/z`);
    for (const folder of ["z", "z/b"]) utimesSync(`${src}/${folder}`, 1_000_000_000, 1_000_000_000);
    const move = (name: EventName, path: string, other: object) =>
      plugin.event(fsEvent(name, `${src}/${path}`, true, src, { kind: "move", ...other }));
    move("IN_MOVED_FROM", "a/b/sub", { to: `${src}/a/x` });
    move("IN_MOVED_TO", "a/x", { from: `${src}/a/b/sub` });
    await plugin.idle();
    move("IN_MOVED_FROM", "a", { to: `${src}/z` });
    move("IN_MOVED_TO", "z", { from: `${src}/a` });
    await plugin.idle();
    expect(differences(src, dst)).toBe("");
    plugin.dead("the test ends");
  });

  test("a folder renamed and made again under its old name before the events come: the renamed copy is checked whole", async () => {
    using dir = tempDir("mirror-plugin");
    const [src, dst] = [dir.join("src"), dir.join("dst")];
    mkdirSync(`${src}/logs`, { recursive: true });
    writeFileSync(`${src}/logs/app.log`, "old");
    const plugin = await started(dir);
    // Log rotation: the old file's last write, then logs/ renamed and made again with a new
    // app.log, all before the mirror handled the write. Looking at the source now, the
    // write's work copies the new app.log into the mirror's logs/, which the rename then
    // carries to logs.1/.
    writeFileSync(`${src}/logs/app.log`, "old, last line");
    renameSync(`${src}/logs`, `${src}/logs.1`);
    mkdirSync(`${src}/logs`);
    writeFileSync(`${src}/logs/app.log`, "new, and a little longer");
    const ev = (name: EventName, path: string, isDir: boolean, other: object) =>
      plugin.event(fsEvent(name, `${src}/${path}`, isDir, src, other));
    ev("IN_CLOSE_WRITE", "logs/app.log", false, { kind: "write" });
    ev("IN_MOVED_FROM", "logs", true, { kind: "move", to: `${src}/logs.1` });
    ev("IN_MOVED_TO", "logs.1", true, { kind: "move", from: `${src}/logs` });
    ev("IN_CREATE", "logs", true, { kind: "create" });
    ev("IN_CREATE", "logs/app.log", false, { kind: "create" });
    ev("IN_CLOSE_WRITE", "logs/app.log", false, { kind: "write" });
    await plugin.idle();
    expect(differences(src, dst)).toBe("");
    plugin.dead("the test ends");
  });

  test("a path that was gone when its event was handled, and is there once the queue drains, is mirrored then", async () => {
    using dir = tempDir("mirror-plugin");
    const [src, dst] = [dir.join("src"), dir.join("dst")];
    mkdirSync(`${src}/d`, { recursive: true });
    const plugin = await started(dir);
    // Its create is handled while it is not there (remembered as missing, for a rename
    // that could explain it); no rename comes, and no second event says it is back.
    plugin.event(fsEvent("IN_CREATE", `${src}/d/link`, false, src, { kind: "create" }));
    symlinkSync("/etc/passwd", `${src}/d/link`);
    await plugin.idle();
    expect(differences(src, dst)).toBe("");
    plugin.dead("the test ends");
  });

  test("a folder moved in is compared again once quiet: what its walk copied before the watcher had it, and left unseen, goes", async () => {
    using dir = tempDir("mirror-plugin");
    const [src, dst] = [dir.join("src"), dir.join("dst")];
    mkdirSync(src);
    mkdirSync(dir.join("outside/in/renamed-unseen"), { recursive: true });
    writeFileSync(dir.join("outside/in/renamed-unseen/f"), "copied by the walk");
    const plugin = await started(dir);
    // A soak run's case: a folder moved in is walked as soon as its event comes, before
    // the watcher has placed its watch and listed it. A folder inside, renamed away in that
    // window, is in the mirror, and no event will ever say it left.
    renameSync(dir.join("outside/in"), `${src}/in`);
    plugin.event(fsEvent("IN_MOVED_TO", `${src}/in`, true, src, { kind: "create" }));
    await plugin.idle();
    renameSync(`${src}/in/renamed-unseen`, dir.join("outside/elsewhere"));
    await waitFor(() => differences(src, dst) === "", "the mirror without what left unseen", 10_000);
    plugin.dead("the test ends");
  }, 15_000);

  test("the second comparison of a moved-in folder waits while deletions are held (rm -rf under way removes nothing early)", async () => {
    using dir = tempDir("mirror-plugin");
    const [src, dst] = [dir.join("src"), dir.join("dst")];
    mkdirSync(src);
    mkdirSync(dir.join("outside/in"), { recursive: true });
    for (let i = 0; i < 10; i++) writeFileSync(dir.join(`outside/in/f${i}`), `file ${i}`);
    const clock = new FakeClock();
    const plugin = await started(dir, clock);
    renameSync(dir.join("outside/in"), `${src}/in`);
    plugin.event(fsEvent("IN_MOVED_TO", `${src}/in`, true, src, { kind: "create" }));
    await plugin.idle();
    // `rm -rf` is under way: the files are gone from the source, their events trickle in,
    // one every 200 ms, so deletions are never quiet; the folder's second comparison falls
    // due meanwhile.
    for (let i = 0; i < 10; i++) rmSync(`${src}/in/f${i}`);
    for (let i = 0; i < 8; i++) {
      plugin.event(fsEvent("IN_DELETE", `${src}/in/f${i}`, false, src, { kind: "delete" }));
      await plugin.idle();
      await clock.advance(200);
    }
    expect(clock.now()).toBeGreaterThan(CHECK_WALK_MS);
    expect(readdirSync(`${dst}/in`).sort()).toEqual([...Array(10).keys()].map((i) => `f${i}`));
    // Deletions quiet (the root is still there): the held ones go, then the comparison
    // finds the rest gone too.
    await clock.advance(DELETE_QUIET_MS + 100);
    await plugin.idle();
    expect(differences(src, dst)).toBe("");
    plugin.dead("the test ends");
  });
});
