// seedwatch run CONFIG.ts with the compiled binary and real inotify. Delay semantics are
// tested with a fake clock in test/unit/rules; here delays are short and real, and every
// wait is for a condition.

import { describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { Running, runBin } from "../../helpers/bin.ts";
import { queryIndex } from "../../helpers/index-db.ts";
import { tempDir, type TempDir } from "../../helpers/tmp.ts";
import { waitFor } from "../../helpers/wait.ts";

function config(dir: TempDir, body: string, name = "config.ts"): string {
  const path = dir.join(name);
  writeFileSync(
    path,
    `import { Pyinotifyd, Watch, EventMap, TaskScheduler, ShellScheduler, ` +
      `FileManagerScheduler, FileManagerRule, Cancel } from "seedwatch";\n${body}`,
  );
  return path;
}

describe("seedwatch run", () => {
  test(
    "a move rule with a named group, into directories made on the fly, " + "for files in new sub-directories",
    async () => {
      using dir = tempDir("run");
      mkdirSync(dir.join("src"));
      const cfg = config(
        dir,
        `const files = new FileManagerScheduler({ rules: [new FileManagerRule({ action: "move",
  src_re: "^${dir.join("src")}/(?P<path>.*)\\\\.done$",
  dst_re: "${dir.join("dst")}/\\\\g<path>", auto_create: true, filemode: 0o600 })] });
export default new Pyinotifyd({ watches: [new Watch({ path: "${dir.join("src")}", rec: true, auto_add: true,
  event_map: { IN_CLOSE_WRITE: files, IN_MOVED_TO: files } })] });`,
      );
      await using w = new Running(["run", cfg]);
      await w.waitStderr(/running /, "running");
      mkdirSync(dir.join("src/a/b/c"), { recursive: true });
      writeFileSync(dir.join("src/a/b/c/track.flac.done"), "x");
      writeFileSync(dir.join("src/keep.tmp"), "y");
      await waitFor(() => existsSync(dir.join("dst/a/b/c/track.flac")), "moved");
      expect(existsSync(dir.join("src/a/b/c/track.flac.done"))).toBe(false);
      expect(existsSync(dir.join("src/keep.tmp"))).toBe(true);
      expect(Bun.file(dir.join("dst/a/b/c/track.flac")).size).toBe(1);
      expect(await w.stop("SIGTERM")).toBe(0);
    },
  );

  test(
    "a TaskScheduler job: the delay re-arms (one run, newest event); " + "an event while it runs gives one re-run",
    async () => {
      using dir = tempDir("run");
      mkdirSync(dir.join("w"));
      const cfg = config(
        dir,
        `import { appendFileSync, existsSync } from "node:fs";
const task = new TaskScheduler({
  delay: 1, // the window in which IN_CLOSE_WRITE must reach seedwatch after IN_CREATE, on a loaded machine
  job: async (event, task_id) => {
    appendFileSync("${dir.join("jobs.log")}", event.maskname + " " + event.pathname + " " + task_id + "\\n");
    while (!existsSync("${dir.join("go")}")) await Bun.sleep(5); // waitFor-style: held until the test creates "go"
  },
});
export default new Pyinotifyd({ watches: [new Watch({ path: "${dir.join("w")}",
  event_map: { IN_CREATE: task, IN_CLOSE_WRITE: task, IN_ATTRIB: task } })] });`,
      );
      const jobs = () =>
        // read mid-append, the file can be empty
        existsSync(dir.join("jobs.log")) ? readFileSync(dir.join("jobs.log"), "utf8").split("\n").filter(Boolean) : [];
      await using w = new Running(["run", cfg]);
      await w.waitStderr(/running /, "running");
      writeFileSync(dir.join("w/f"), "1"); // IN_CREATE, then IN_CLOSE_WRITE re-arms the delay
      await waitFor(() => jobs().length === 1, "first run");
      expect(jobs()[0]).toMatch(new RegExp(`^IN_CLOSE_WRITE ${dir.join("w/f")} [0-9a-f-]{36}$`));
      chmodSync(dir.join("w/f"), 0o600); // IN_ATTRIB while the job runs: kept for a re-run
      await w.waitStderr(/event during ongoing task/, "queued");
      writeFileSync(dir.join("go"), "");
      await waitFor(() => jobs().length === 2, "re-run");
      expect(jobs()[1]!.split(" ")[0]).toBe("IN_ATTRIB");
      expect(jobs()[1]!.split(" ")[2]).toBe(jobs()[0]!.split(" ")[2]); // same task_id
    },
  );

  test(
    "rec with auto_add off (pyinotifyd's default): " + "existing sub-directories are watched, new ones are not",
    async () => {
      using dir = tempDir("run");
      mkdirSync(dir.join("w/old"), { recursive: true });
      const cfg = config(
        dir,
        `const s = new ShellScheduler({ cmd: ["sh", "-c", "echo \\"$1\\" >> ${dir.join("seen")}", "sh", "{name}"] });
export default new Pyinotifyd({ watches: [new Watch({ path: "${dir.join("w")}", rec: true,
  event_map: { IN_CLOSE_WRITE: s } })] });`,
      );
      expect(runBin(["run", "--check", cfg]).stdout).toContain("auto_add is off, files in them are not seen");
      await using w = new Running(["run", cfg]);
      await w.waitStderr(/running /, "running");
      mkdirSync(dir.join("w/new"));
      writeFileSync(dir.join("w/new/unseen"), "");
      writeFileSync(dir.join("w/old/seen"), "");
      await waitFor(
        () => existsSync(dir.join("seen")) && readFileSync(dir.join("seen"), "utf8").includes("seen"),
        "old/seen",
      );
      writeFileSync(dir.join("w/top"), "");
      await waitFor(() => readFileSync(dir.join("seen"), "utf8").includes("top"), "barrier");
      expect(readFileSync(dir.join("seen"), "utf8").trim().split("\n").sort()).toEqual(["seen", "top"]);
    },
  );

  test("pyinotifyd's injection: a crafted name stays text in {pathname} and {src_pathname}", async () => {
    using dir = tempDir("run");
    mkdirSync(dir.join("w"));
    const cfg = config(
      dir,
      `const shell = new ShellScheduler({ cmd: "echo CMD pathname={pathname} src={src_pathname}" });
export default new Pyinotifyd({ watches: [new Watch({ path: "${dir.join("w")}",
  event_map: { IN_MOVED_FROM: null, IN_MOVED_TO: shell } })] });`,
    );
    await using w = new Running(["run", cfg], { cwd: dir.path });
    await w.waitStderr(/running /, "running");
    writeFileSync(dir.join("w/src$(touch INJECTED)"), "");
    renameSync(dir.join("w/src$(touch INJECTED)"), dir.join("w/dst{src_pathname}x"));
    await w.waitStderr(/stdout: CMD pathname=.*dst\{src_pathname\}x src=.*src\$\(touch INJECTED\)/, "command output");
    expect(existsSync(dir.join("INJECTED"))).toBe(false);
  });

  test("Cancel: a file deleted within the delay is never acted on; one left alone is", async () => {
    using dir = tempDir("run");
    mkdirSync(dir.join("in"));
    const cfg = config(
      dir,
      `const log = new ShellScheduler({ cmd: ["sh", "-c", "echo \\"$1\\" >> ${dir.join("ran.log")}", "sh", "{name}"],
  delay: 1 });
export default new Pyinotifyd({ watches: [new Watch({ path: "${dir.join("in")}",
  event_map: { IN_CLOSE_WRITE: log, IN_DELETE: new Cancel(log) } })] });`,
    );
    await using w = new Running(["run", cfg]);
    await w.waitStderr(/running /, "running");
    // the delay (1 s) is the window in which the delete must reach seedwatch, on a loaded machine
    writeFileSync(dir.join("in/gone"), "");
    rmSync(dir.join("in/gone"));
    writeFileSync(dir.join("in/stays"), "");
    await waitFor(() => existsSync(dir.join("ran.log")), "ran");
    await w.waitStderr(/task finished.*stays/, "finished");
    expect(readFileSync(dir.join("ran.log"), "utf8")).toBe("stays\n");
    expect(w.stderr).toMatch(/pending task dropped: deleted.*gone/); // the daemon drops it before the map's Cancel
  });

  test("a rule whose destination is watched and matches does not loop", async () => {
    using dir = tempDir("run");
    mkdirSync(dir.join("w"));
    const cfg = config(
      dir,
      `const files = new FileManagerScheduler({ rules: [new FileManagerRule({ action: "copy",
  src_re: "^${dir.join("w")}/(?<n>[^/]+)$",
  dst_re: "${dir.join("w")}/$<n>.bak" })] });
export default new Pyinotifyd({ watches: [new Watch({ path: "${dir.join("w")}",
  event_map: { IN_CLOSE_WRITE: files, IN_CREATE: files } })] });`,
    );
    await using w = new Running(["run", cfg]);
    await w.waitStderr(/running /, "running");
    writeFileSync(dir.join("w/a"), "1");
    await waitFor(() => existsSync(dir.join("w/a.bak")), "copied");
    writeFileSync(dir.join("w/marker"), "");
    await waitFor(() => existsSync(dir.join("w/marker.bak")), "later event handled");
    expect(existsSync(dir.join("w/a.bak.bak"))).toBe(false);
  });

  test("SIGHUP reloads; a broken config is refused and the old one keeps running; saving reloads too", async () => {
    using dir = tempDir("run");
    mkdirSync(dir.join("w"));
    const one = (tag: string) =>
      `const s = new ShellScheduler({ cmd: ["sh", "-c", "echo ${tag} >> ${dir.join("out.log")}"] });
export default new Pyinotifyd({ watches: [new Watch({ path: "${dir.join("w")}",
  event_map: { IN_CLOSE_WRITE: s } })] });`;
    const cfg = config(dir, one("first"));
    const lines = () =>
      existsSync(dir.join("out.log")) ? readFileSync(dir.join("out.log"), "utf8").trim().split("\n") : [];
    await using w = new Running(["run", cfg]);
    await w.waitStderr(/running /, "running");
    writeFileSync(dir.join("w/1"), "");
    await waitFor(() => lines().includes("first"), "first config acts");
    config(dir, `${one("second")}\nthis is not valid TypeScript (`);
    w.proc.kill("SIGHUP");
    await w.waitStderr(/unable to reload config file/, "broken config refused");
    writeFileSync(dir.join("w/2"), "");
    await waitFor(() => lines().length === 2, "old config still acts");
    expect(lines()).toEqual(["first", "first"]);
    config(dir, one("third")); // saving a good one: reload by file change
    await w.waitStderr(/config reloaded/, "reloaded");
    writeFileSync(dir.join("w/3"), "");
    await waitFor(() => lines().includes("third"), "new config acts");
    await w.waitStderr(/task finished.*w\/3/, "third task logged");
    expect(lines().filter((l) => l === "third").length).toBe(1);
    // no duplicate handlers after reloads
    expect(w.stderr.match(/execute shell command.*path=.*w\/3,/g)?.length).toBe(1);
    expect(await w.stop("SIGTERM")).toBe(0);
  });

  test("shutdown: a task still in its delay is run (default) or dropped (shutdown_pending: drop)", async () => {
    for (const policy of ["run", "drop"] as const) {
      using dir = tempDir("run");
      mkdirSync(dir.join("w"));
      const cfg = config(
        dir,
        `const s = new ShellScheduler({ cmd: ["touch", "${dir.join("ran")}"], delay: 600 });
export default new Pyinotifyd({ shutdown_pending: "${policy}", watches: [new Watch({ path: "${dir.join("w")}",
  event_map: { IN_CLOSE_WRITE: s } })] });`,
      );
      await using w = new Running(["run", cfg]);
      await w.waitStderr(/running /, "running");
      writeFileSync(dir.join("w/f"), "");
      await w.waitStderr(/schedule task, delay=600/, "scheduled");
      expect(await w.stop("SIGTERM")).toBe(0);
      expect([policy, existsSync(dir.join("ran"))]).toEqual([policy, policy === "run"]);
    }
  });

  test("a glob path watches every directory it matches; an exclude_filter file is read", async () => {
    using dir = tempDir("run");
    for (const d of ["a/incoming", "b/incoming", "c/other"]) mkdirSync(dir.join(d), { recursive: true });
    writeFileSync(dir.join("excludes"), `# one regex per line\n^${dir.path}/b/incoming/skip\n`);
    const cfg = config(
      dir,
      `const s = new ShellScheduler({ cmd: ["sh", "-c", "echo \\"$1\\" >> ${dir.join("seen")}", "sh", "{path}"] });
export default new Pyinotifyd({ watches: [new Watch({ path: "${dir.path}/*/incoming",
  exclude_filter: "${dir.join("excludes")}",
  event_map: { IN_CLOSE_WRITE: s } })] });`,
    );
    await using w = new Running(["run", cfg]);
    await w.waitStderr(/running /, "running");
    for (const f of ["a/incoming/1", "b/incoming/skip", "b/incoming/2", "c/other/3"]) writeFileSync(dir.join(f), "");
    // The barrier: a file written after the excluded one, in the same directory. Its task
    // starts after any the excluded one could have started, and every task is logged.
    writeFileSync(dir.join("b/incoming/zz-barrier"), "");
    const seen = () => (existsSync(dir.join("seen")) ? readFileSync(dir.join("seen"), "utf8").trim().split("\n") : []);
    await waitFor(() => seen().length === 3, "three files seen");
    await w.waitStderr(/task finished, mask=IN_CLOSE_WRITE, path=\S*zz-barrier/, "the barrier's task finished");
    expect(seen().sort()).toEqual([
      dir.join("a/incoming/1"),
      dir.join("b/incoming/2"),
      dir.join("b/incoming/zz-barrier"),
    ]);
    expect(w.stderr).not.toContain("b/incoming/skip");
    expect(w.stderr).not.toContain("c/other/3");
  });

  describe("--check and bad configs", () => {
    test("--check prints the plan and exits 0", () => {
      using dir = tempDir("run");
      const cfg = config(
        dir,
        `const t = new TaskScheduler({ job: async () => {}, delay: 5, dirs: true });
export default new Pyinotifyd({ watches: [new Watch({ path: "/tmp", rec: true, auto_add: true,
  exclude_filter: ["^/tmp/skip$"],
  event_map: new EventMap({ default_sched: t }) })] });`,
      );
      const r = runBin(["run", "--check", cfg]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("config file ok");
      expect(r.stdout).toContain("watch /tmp (recursive; excluding ^/tmp/skip$)");
      expect(r.stdout).toMatch(/IN_CLOSE_WRITE\s+→ TaskScheduler #1/);
      expect(r.stdout).toContain("delay 5 s; on files and directories");
    });

    const bad: [string, string, number, RegExp][] = [
      [
        "pyinotifyd's IN_WRITE_CLOSE",
        `const s = new ShellScheduler({ cmd: "true" });\n` +
          `export default new Pyinotifyd({ watches: [new Watch({ path: "/tmp", ` +
          `event_map: { IN_WRITE_CLOSE: s } })] });`,
        3,
        /watches\[0\]\.event_map\.IN_WRITE_CLOSE: unknown event name[\s\S]*did you mean IN_CLOSE_WRITE/,
      ],
      [
        "an unknown key",
        `export default new Pyinotifyd({ watches: [new Watch({ path: "/tmp", evnt_map: {} } as never)] });`,
        3,
        /watches\[0\]: unknown key "evnt_map"/,
      ],
      [
        "a wrong type",
        `export default new Pyinotifyd({ shutdown_timeout: "soon" as never });`,
        3,
        /shutdown_timeout: must be a number/,
      ],
      [
        "a scheduler's unknown key",
        `new TaskScheduler({ job: () => {}, delya: 5 } as never);\nexport default new Pyinotifyd();`,
        3,
        /TaskScheduler: unknown key "delya"/,
      ],
      ["no Pyinotifyd exported", `export const x = 1;`, 3, /exports no Pyinotifyd/],
      ["a syntax error", `export default new Pyinotifyd({`, 9, /config file .* failed to load/],
    ];
    for (const [label, body, code, message] of bad) {
      test(label, () => {
        using dir = tempDir("run");
        const r = runBin(["run", "--check", config(dir, body)]);
        expect({ code: r.code, stdout: r.stdout }).toEqual({ code, stdout: "" });
        expect(r.stderr).toMatch(message);
        expect(r.stderr).toMatch(/\nhint: /);
      });
    }
    test("a missing config file", () => {
      expect(runBin(["run", "/nonexistent/config.ts"]).code).toBe(9);
    });
  });
});

describe("one service for both jobs", () => {
  test("a config's rtorrent section indexes the session while the watches run", async () => {
    const { makeTorrent, writeSession } = await import("../../helpers/rtorrent.ts");
    using dir = tempDir("run");
    mkdirSync(dir.join("session"));
    mkdirSync(dir.join("w"));
    const cfg = config(
      dir,
      `const s = new ShellScheduler({ cmd: ["touch", "${dir.join("rule-ran")}"] });
export default new Pyinotifyd({
  watches: [new Watch({ path: "${dir.join("w")}", event_map: { IN_CLOSE_WRITE: s } })],
  rtorrent: { session: "${dir.join("session")}", db: "${dir.join("index.db")}" },
});`,
    );
    const before = makeTorrent({ name: "Before", length: 1 });
    writeSession(dir.join("session"), before, { directory: dir.join("dl") });
    await using w = new Running(["run", cfg]);
    await w.waitStderr(/running /, "running");
    const after = makeTorrent({ name: "After", length: 2 });
    writeSession(dir.join("session"), after, { directory: dir.join("dl") });
    writeFileSync(dir.join("w/x"), "");
    await waitFor(() => existsSync(dir.join("rule-ran")), "rule ran");
    await waitFor(
      () => queryIndex(dir.join("index.db"), "SELECT hash FROM torrent_data").length === 2,
      "both torrents indexed",
    );
    expect(await w.stop("SIGTERM")).toBe(0);
  });
});

describe("enableSyslog", () => {
  test.skipIf(!Bun.which("python3") || !Bun.which("logger"))(
    "sends the daemon's lines to a syslog socket, with priorities",
    async () => {
      using dir = tempDir("run");
      mkdirSync(dir.join("w"));
      const sock = dir.join("log.sock");
      const received = dir.join("received");
      // a syslog receiver: a unix datagram socket (Bun has none; python does)
      const rx = Bun.spawn([
        "python3",
        "-c",
        `import socket,sys
s=socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1])
out=open(sys.argv[2],"ab", buffering=0)
while True: out.write(s.recv(65536)+b"\\n")`,
        sock,
        received,
      ]);
      try {
        await waitFor(() => existsSync(sock), "receiver bound");
        const cfg = config(
          dir,
          `import { enableSyslog, WARNING } from "seedwatch";
enableSyslog({ address: "${sock}" });
const s = new ShellScheduler({ cmd: "exit 3" });
export default new Pyinotifyd({ watches: [new Watch({ path: "${dir.join("w")}",
  event_map: { IN_CLOSE_WRITE: s } })] });`,
        );
        await using w = new Running(["run", cfg]);
        await w.waitStderr(/running /, "running");
        writeFileSync(dir.join("w/f"), "");
        await waitFor(
          () => existsSync(received) && /task failed/.test(readFileSync(received, "utf8")),
          "failure reached syslog",
        );
        const text = readFileSync(received, "utf8");
        expect(text).toMatch(/<30>.*seedwatch\[\d+\]: daemon: running /); // daemon.info
        expect(text).toMatch(/<27>.*seedwatch\[\d+\]: sched: task failed: Error: exit 3/); // daemon.err
      } finally {
        rx.kill();
      }
    },
  );
});
