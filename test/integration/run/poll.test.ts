// Watch({ poll: MS }): a watch for NFS, SMB and FUSE sources, where inotify sees nothing
// written from another host. Through the compiled binary: the event map gets the same
// events a watch on inotify would (here, on a local directory, which polling sees too).

import { expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { Running, runBin } from "../../helpers/bin.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { waitFor } from "../../helpers/wait.ts";

test("a polled watch runs its event map: new files once settled, renames as moves, --check says so", async () => {
  using dir = tempDir("poll");
  mkdirSync(dir.join("w/sub"), { recursive: true });
  const cfg = dir.join("config.ts");
  writeFileSync(
    cfg,
    `import { appendFileSync } from "node:fs";
import { Pyinotifyd, Watch, TaskScheduler } from "seedwatch";
const t = new TaskScheduler({ job: (e) => appendFileSync("${dir.join("seen")}",
    e.maskname + " " + e.pathname + " " + e.src_pathname + "\\n") });
export default new Pyinotifyd({ watches: [new Watch({ path: "${dir.join("w")}", rec: true, auto_add: true, poll: 20,
  event_map: { IN_CLOSE_WRITE: t, IN_MOVED_TO: t } })] });`,
  );
  expect(runBin(["run", "--check", cfg]).stdout).toContain("polled every 20 ms");
  await using w = new Running(["run", cfg]);
  await w.waitStderr(/running /, "running");
  const seen = () => (existsSync(dir.join("seen")) ? readFileSync(dir.join("seen"), "utf8") : "");
  writeFileSync(dir.join("w/sub/a"), "1");
  await waitFor(() => seen().includes(`IN_CLOSE_WRITE ${dir.join("w/sub/a")} \n`), "a settled");
  renameSync(dir.join("w/sub/a"), dir.join("w/b"));
  await waitFor(() => seen().includes(`IN_MOVED_TO ${dir.join("w/b")} ${dir.join("w/sub/a")}\n`), "the rename");
  expect(await w.stop("SIGTERM")).toBe(0);
});

test("poll must be a whole number of milliseconds, at least 10", () => {
  using dir = tempDir("poll");
  const cfg = dir.join("config.ts");
  writeFileSync(
    cfg,
    `import { Pyinotifyd, Watch } from "seedwatch";
export default new Pyinotifyd({ watches: [new Watch({ path: "${dir.path}", poll: 0.5,
  event_map: { IN_CREATE: () => {} } })] });`,
  );
  const r = runBin(["run", "--check", cfg]);
  expect(r.code).toBe(3);
  expect(r.stderr).toContain("watches[0].poll: must be a whole number of milliseconds, at least 10");
});
