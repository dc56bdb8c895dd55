// FileManagerScheduler on the real filesystem, driven directly (fake clock, no watcher).

import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { fsEvent } from "../../../src/events/index.ts";
import { FileManagerRule, FileManagerScheduler } from "../../../src/rules/files.ts";
import { ConfigError } from "../../../src/errors.ts";
import { setFormat, setReporter } from "../../../src/log.ts";
import { FakeClock, settle } from "../../fakes/clock.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { waitFor } from "../../helpers/wait.ts";

function sched(...rules: FileManagerRule[]) {
  const s = new FileManagerScheduler({ rules, dirs: true });
  s.attach(new FakeClock());
  return s;
}
const created = (path: string, dir = false) => fsEvent("IN_CLOSE_WRITE", path, dir, "/");

describe("FileManagerRule", () => {
  test("Python and JavaScript group syntax, anchored at the start like re.match", () => {
    const py = new FileManagerRule({
      action: "move",
      src_re: "^/in/(?P<name>[^/]+)\\.(?P<ext>mkv)$",
      dst_re: "/out/\\g<ext>/\\g<name>",
    });
    expect(py.destination("/in/film.mkv")).toBe("/out/mkv/film");
    const js = new FileManagerRule({ action: "copy", src_re: "/in/(?<n>.*)", dst_re: "/bak/$<n>" });
    expect(js.matches("/x/in/a")).toBe(false);
    expect(js.destination("/in/a")).toBe("/bak/a");
  });

  test("options are checked: action, dst_re for move/copy, unknown keys", () => {
    expect(() => new FileManagerRule({ action: "rename" as never, src_re: "x" })).toThrow(ConfigError);
    expect(() => new FileManagerRule({ action: "move", src_re: "x" })).toThrow(/dst_re/);
    expect(() => new FileManagerRule({ action: "delete", src_re: "x", recursive: true } as never)).toThrow(
      /unknown key "recursive"/,
    );
  });
});

describe("FileManagerScheduler", () => {
  // What the scheduler logged, "type: message": a task that failed says so here.
  const logged: string[] = [];
  const failed = (path: string) => logged.filter((l) => l.startsWith("error: task failed") && l.includes(path));
  beforeEach(() => {
    logged.length = 0;
    setReporter({ log: (o) => void logged.push(`${o.type}: ${o.args.join(" ")}`) });
  });
  afterEach(() => setFormat("text")); // the usual stderr sink: test files share this process

  test("override works as pyinotifyd's README says (an alias of overwrite)", async () => {
    using dir = tempDir("fm");
    writeFileSync(dir.join("a.new"), "new");
    writeFileSync(dir.join("a"), "old");
    const s = sched(
      new FileManagerRule({
        action: "move",
        src_re: `^${dir.path}/(?<n>.*)\\.new$`,
        dst_re: `${dir.path}/$<n>`,
        override: true,
      }),
    );
    s.schedule(created(dir.join("a.new")));
    await waitFor(() => !existsSync(dir.join("a.new")), "moved");
    expect(readFileSync(dir.join("a"), "utf8")).toBe("new");
  });

  test("an existing destination without overwrite is an error; the source stays", async () => {
    using dir = tempDir("fm");
    writeFileSync(dir.join("a.new"), "new");
    writeFileSync(dir.join("a"), "old");
    const s = sched(
      new FileManagerRule({ action: "move", src_re: `^${dir.path}/(?<n>.*)\\.new$`, dst_re: `${dir.path}/$<n>` }),
    );
    s.schedule(created(dir.join("a.new")));
    await settle();
    await waitFor(() => failed(dir.join("a.new")).length > 0 && s.counts.running === 0, "the task failed");
    expect(failed(dir.join("a.new"))[0]).toContain(
      `unable to move '${dir.join("a.new")}' to '${dir.join("a")}': path already exists`,
    );
    expect(readFileSync(dir.join("a"), "utf8")).toBe("old");
    expect(existsSync(dir.join("a.new"))).toBe(true);
  });

  test("delete without rec removes an empty directory (pyinotifyd crashed), keeps a full one", async () => {
    using dir = tempDir("fm");
    mkdirSync(dir.join("empty.del"));
    mkdirSync(dir.join("full.del"));
    writeFileSync(dir.join("full.del/x"), "");
    const s = sched(new FileManagerRule({ action: "delete", src_re: ".*\\.del$" }));
    s.schedule(created(dir.join("empty.del"), true));
    s.schedule(created(dir.join("full.del"), true));
    await waitFor(
      () => !existsSync(dir.join("empty.del")) && failed(dir.join("full.del")).length > 0 && s.counts.running === 0,
      "empty deleted, full refused",
    );
    expect(failed(dir.join("full.del"))[0]).toContain("ENOTEMPTY");
    expect(failed(dir.join("empty.del"))).toEqual([]);
    expect(existsSync(dir.join("full.del/x"))).toBe(true);
  });

  test("filemode and dirmode on what is moved and on directories it creates", async () => {
    using dir = tempDir("fm");
    writeFileSync(dir.join("f.go"), "x", { mode: 0o600 });
    const s = sched(
      new FileManagerRule({
        action: "move",
        src_re: `^${dir.path}/(?<n>.*)\\.go$`,
        dst_re: `${dir.path}/out/deep/$<n>`,
        auto_create: true,
        filemode: 0o640,
        dirmode: 0o750,
      }),
    );
    s.schedule(created(dir.join("f.go")));
    await waitFor(() => existsSync(dir.join("out/deep/f")), "moved");
    expect(statSync(dir.join("out/deep/f")).mode & 0o777).toBe(0o640);
    expect(statSync(dir.join("out")).mode & 0o777).toBe(0o750);
    expect(statSync(dir.join("out/deep")).mode & 0o777).toBe(0o750);
  });

  test.skipIf(process.getuid?.() !== 0)(
    "a move across filesystems falls back to copy + unlink (tmpfs, needs root)",
    async () => {
      using dir = tempDir("fm");
      mkdirSync(dir.join("other"));
      if (Bun.spawnSync(["mount", "-t", "tmpfs", "fm-test", dir.join("other")]).exitCode !== 0) return;
      try {
        mkdirSync(dir.join("album"));
        writeFileSync(dir.join("album/t.flac"), "music");
        const s = sched(
          new FileManagerRule({
            action: "move",
            src_re: `^${dir.path}/(?<n>album)$`,
            dst_re: `${dir.path}/other/$<n>`,
          }),
        );
        s.schedule(created(dir.join("album"), true));
        await waitFor(
          () => existsSync(dir.join("other/album/t.flac")) && !existsSync(dir.join("album")),
          "moved across",
        );
        expect(readFileSync(dir.join("other/album/t.flac"), "utf8")).toBe("music");
      } finally {
        Bun.spawnSync(["umount", dir.join("other")]);
      }
    },
  );
});
