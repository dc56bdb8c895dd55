// User plugin files in `seedwatch run`, through the compiled binary and real inotify: the
// lifecycle, the events as `watch --json` prints them, and what a plugin that throws or
// hangs does to the others (nothing).

import { describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { Running, runBin } from "../../helpers/bin.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { waitFor } from "../../helpers/wait.ts";
import { fastTempDir } from "../watch/fast-tmp.ts";
import { recorder, records, writeConfig } from "./rig.ts";

describe("a user plugin", () => {
  test("init once the watch is in place, every event as --json prints it, dead at the end", async () => {
    using dir = tempDir("plugin");
    mkdirSync(dir.join("w"));
    const out = dir.join("out.jsonl");
    // init itself changes the tree: with the watch placed first, that change is seen
    // (iObserver sent WATCH_INIT before adding its watch, and lost such changes).
    writeFileSync(
      dir.join("p.ts"),
      recorder(out, `events: ["IN_CREATE", "IN_CLOSE_WRITE", "IN_MOVED_FROM", "IN_MOVED_TO", "IN_DELETE"],`).replace(
        "init(ctx) {",
        `init(ctx) { appendFileSync(ctx.path + "/from-init", "x");`,
      ),
    );
    const cfg = writeConfig(
      dir,
      `export default new Pyinotifyd({ watches: [new Watch({ path: "${dir.join("w")}", rec: true, auto_add: true,
  plugins: [new Plugin({ path: "./p.ts", options: { url: "u" } })] })] });`,
    );
    const check = runBin(["run", "--check", cfg]);
    expect(check.stdout).toContain(`watch ${dir.join("w")} (recursive)\n  plugin p (./p.ts) {"url":"u"}\n`);
    await using w = new Running(["run", cfg]);
    await w.waitStderr(/running /, "running");
    await waitFor(
      () => records(out).some((r) => r.path === dir.join("w/from-init") && r.kind === "write"),
      "init's file",
    );
    mkdirSync(dir.join("w/a/b"), { recursive: true });
    writeFileSync(dir.join("w/a/b/f"), "1");
    await waitFor(() => records(out).some((r) => r.path === dir.join("w/a/b/f") && r.kind === "write"), "f");
    renameSync(dir.join("w/a"), dir.join("w/c"));
    rmSync(dir.join("w/c/b/f"));
    await waitFor(() => records(out).some((r) => r.kind === "delete"), "the delete");
    expect(await w.stop("SIGTERM")).toBe(0);
    const got = records(out);
    expect(got[0]).toEqual({ call: "init", name: "p", path: dir.join("w"), options: { url: "u" } });
    const events = got.filter((r) => r.call === "event").map((r) => `${r.kind} ${r.names!.join("|")} ${r.path}`);
    expect(events).toEqual([
      `create IN_CREATE ${dir.join("w/from-init")}`,
      `write IN_CLOSE_WRITE ${dir.join("w/from-init")}`,
      `create IN_CREATE|IN_ISDIR ${dir.join("w/a")}`,
      `create IN_CREATE|IN_ISDIR ${dir.join("w/a/b")}`,
      `create IN_CREATE ${dir.join("w/a/b/f")}`,
      `write IN_CLOSE_WRITE ${dir.join("w/a/b/f")}`,
      `move IN_MOVED_FROM|IN_ISDIR ${dir.join("w/a")}`,
      `move IN_MOVED_TO|IN_ISDIR ${dir.join("w/c")}`,
      `delete IN_DELETE ${dir.join("w/c/b/f")}`,
    ]);
    const move = got.find((r) => r.names?.[0] === "IN_MOVED_TO")!;
    expect(move).toMatchObject({ from: dir.join("w/a"), dir: true, root: dir.join("w"), events: move.names });
    expect(typeof move.time).toBe("string");
    expect(got.at(-1)).toEqual({ call: "dead", why: "the daemon stops" });
  });

  test(
    "one that throws is logged with its name, the event and the stack; " +
      "the rest go on; failing on and on disables it",
    async () => {
      using dir = tempDir("plugin");
      mkdirSync(dir.join("w"));
      const out = dir.join("out.jsonl");
      writeFileSync(dir.join("ok.ts"), recorder(out));
      writeFileSync(
        dir.join("bad.ts"),
        `import { definePlugin } from "seedwatch";
export default definePlugin({ events: ["IN_CLOSE_WRITE"], ` +
          `event(ev) { throw new TypeError("cannot handle " + ev.path.split("/").pop()); } });
`,
      );
      const cfg = writeConfig(
        dir,
        `import { appendFileSync } from "node:fs";
const t = new TaskScheduler({ job: (e) => appendFileSync("${dir.join("rules.log")}", e.pathname + "\\n") });
export default new Pyinotifyd({ watches: [new Watch({ path: "${dir.join("w")}", event_map: { IN_CLOSE_WRITE: t },
  plugins: [new Plugin({ path: "./bad.ts" }), new Plugin({ path: "./ok.ts" })] })] });`,
      );
      await using w = new Running(["run", "-v", cfg]);
      await w.waitStderr(/running /, "running");
      for (let i = 0; i < 12; i++) writeFileSync(dir.join(`w/f${i}`), "");
      await waitFor(() => records(out).filter((r) => r.kind === "write").length === 12, "the other plugin got all 12");
      await w.waitStderr(/plugin bad disabled after 10 failures in a row/, "disabled");
      await waitFor(() => Bun.file(dir.join("rules.log")).size > 0, "the event map ran");
      expect(w.stderr).toMatch(
        new RegExp(
          `error plugins: plugin bad event failed for write ${dir.join("w/f0")}: ` +
            `TypeError: cannot handle f0 \\(${dir.join("bad.ts")}:2:\\d+\\)` +
            `\n +at event \\(${dir.join("bad.ts")}:2:\\d+\\)\n`,
        ),
      );
      expect(await w.stop("SIGTERM")).toBe(0);
      // Said when the lane goes idle and at the end: the two may come in one line or two.
      const dropped = [...w.stderr.matchAll(/plugin bad: (\d+) events? (?:was|were) dropped while it was disabled/g)];
      expect(dropped.reduce((n, m) => n + Number(m[1]), 0)).toBe(2);
    },
  );

  test("an overflow reaches event() as overflow, then rescanned, though its events list names neither", async () => {
    using dir = fastTempDir("plugin");
    mkdirSync(dir.join("w"));
    const out = dir.join("out.jsonl");
    writeFileSync(dir.join("p.ts"), recorder(out, `events: ["IN_DELETE"],`));
    const cfg = writeConfig(
      dir,
      `export default new Pyinotifyd({ watches: [new Watch({ path: "${dir.join("w")}",
  plugins: [new Plugin({ path: "./p.ts" })] })] });`,
    );
    await using w = new Running(["run", cfg]);
    await waitFor(() => records(out).some((r) => r.call === "init"), "init");
    const queue = Number(readFileSync("/proc/sys/fs/inotify/max_queued_events", "utf8"));
    process.kill(w.proc.pid, "SIGSTOP");
    for (let i = 0; i < queue + 100; i++) writeFileSync(dir.join(`w/f${i}`), "");
    process.kill(w.proc.pid, "SIGCONT");
    await waitFor(() => records(out).some((r) => r.kind === "rescanned"), "rescanned", 30_000);
    expect(await w.stop("SIGTERM")).toBe(0);
    const kinds = records(out).map((r) => r.kind ?? r.call);
    expect(kinds.indexOf("overflow")).toBeGreaterThan(0);
    expect(kinds.indexOf("rescanned")).toBeGreaterThan(kinds.indexOf("overflow"));
    expect(kinds.filter((k) => k !== "init" && k !== "overflow" && k !== "rescanned" && k !== "dead")).toEqual([]);
  }, 60_000);

  test(
    "one that hangs is reported after its timeout; " + "its later events wait and none is lost; the others go on",
    async () => {
      using dir = tempDir("plugin");
      mkdirSync(dir.join("w"));
      const out = dir.join("out.jsonl");
      const slow = dir.join("slow.jsonl");
      writeFileSync(dir.join("ok.ts"), recorder(out, `events: ["IN_CLOSE_WRITE"],`));
      writeFileSync(
        dir.join("slow.ts"),
        `import { appendFileSync, existsSync } from "node:fs";
import { definePlugin } from "seedwatch";
export default definePlugin({ events: ["IN_CLOSE_WRITE"], async event(ev) {
  while (ev.path.endsWith("/stuck") && !existsSync("${dir.join("go")}"))
    await Bun.sleep(10); // held until the test says go
  appendFileSync("${slow}", ev.path.split("/").pop() + "\\n");
} });
`,
      );
      const cfg = writeConfig(
        dir,
        `export default new Pyinotifyd({ watches: [new Watch({ path: "${dir.join("w")}",
  plugins: [new Plugin({ path: "./slow.ts", timeout: 1 }), new Plugin({ path: "./ok.ts" })] })] });`,
      );
      await using w = new Running(["run", cfg]);
      await w.waitStderr(/running /, "running");
      writeFileSync(dir.join("w/stuck"), "");
      for (const n of ["a", "b", "c"]) writeFileSync(dir.join(`w/${n}`), "");
      await waitFor(() => records(out).length === 5, "the other plugin is not held up"); // init + 4
      await w.waitStderr(
        /plugin slow event did not finish within 1 s for write .*\/w\/stuck; .*later events wait/,
        "hung",
      );
      writeFileSync(dir.join("go"), "");
      await waitFor(
        async () => (await Bun.file(slow).exists()) && (await Bun.file(slow).text()).endsWith("c\n"),
        "the slow one catches up",
      );
      await w.waitStderr(/plugin slow event settled after [\d.]+ s; its events go on/, "settled");
      expect(await Bun.file(slow).text()).toBe("stuck\na\nb\nc\n");
      expect(await w.stop("SIGTERM")).toBe(0);
    },
  );
});

describe("plugins in --check", () => {
  test("a file that does not load, or a name without plugins_dir, is refused with what to do", () => {
    using dir = tempDir("plugin");
    mkdirSync(dir.join("w"));
    writeFileSync(
      dir.join("broken.ts"),
      `import { definePlugin } from "seedwatch";\nexport default definePlugin({ event( });\n`,
    );
    const cfg = writeConfig(
      dir,
      `export default new Pyinotifyd({ watches: [new Watch({ path: "${dir.join("w")}",
  plugins: [new Plugin({ path: "./broken.ts" })] })] });`,
    );
    const r = runBin(["run", "--check", cfg]);
    expect(r.code).toBe(9);
    expect(r.stderr).toMatch(
      new RegExp(
        `^seedwatch: ${dir.join("broken.ts")}:2:\\d+: .*\n.*\n *\\^\n` +
          `[\\s\\S]*plugin file ${dir.join("broken.ts")} failed to load \\(3 errors\\)` +
          `\nhint: fix the file, then start seedwatch again\n$`,
      ),
    );
    const named = writeConfig(
      dir,
      `export default new Pyinotifyd({ watches: [new Watch({ path: "${dir.join("w")}",
  plugins: [new Plugin({ name: "notify" })] })] });`,
      "named.ts",
    );
    const n = runBin(["run", "--check", named]);
    expect(n.code).toBe(3);
    expect(n.stderr).toContain('watches[0].plugins[0].name: names plugin "notify", but the config has no plugins_dir');
  });
});
