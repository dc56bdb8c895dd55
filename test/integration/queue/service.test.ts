// seedwatch service install --queue: the coordinator as a systemd or OpenRC service,
// written into a staging root (--root) or a temp HOME (--user).

import { expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { BIN, runBin } from "../../helpers/bin.ts";
import { tempDir } from "../../helpers/tmp.ts";

const ANALYZE = Bun.which("systemd-analyze");

test("install --queue (systemd, system): queue serve with its database and address, no config, and it verifies", () => {
  using dir = tempDir("svc-queue");
  const r = runBin(["service", "install", "--queue", "--init", "systemd", "--root", dir.path]);
  expect(r.code).toBe(0);
  const unit = readFileSync(dir.join("etc/systemd/system/seedwatch-queue.service"), "utf8");
  expect(unit).toContain(`ExecStart=${BIN} queue serve --db /var/lib/seedwatch/queue.db --listen "127.0.0.1:8080"`);
  expect(unit).not.toContain("ExecReload");
  expect(unit).toContain("Description=seedwatch queue coordinator");
  expect(existsSync(dir.join("etc/seedwatch"))).toBe(false); // no example config for the coordinator
  expect(r.stdout).toContain(
    "next, on the installed system: systemctl daemon-reload && systemctl enable --now seedwatch-queue.service",
  );
  if (ANALYZE) {
    const v = Bun.spawnSync([ANALYZE, "verify", dir.join("etc/systemd/system/seedwatch-queue.service")], {
      stdout: "pipe",
      stderr: "pipe",
    });
    expect(`${v.stdout}${v.stderr}`).toBe("");
  }
  const gone = runBin(["service", "uninstall", "--queue", "--init", "systemd", "--root", dir.path]);
  expect(gone.stdout).toContain("removed");
  expect(existsSync(dir.join("etc/systemd/system/seedwatch-queue.service"))).toBe(false);
});

test("install --queue --user: the database is opened (created) now, under the user's HOME", () => {
  using home = tempDir("svc-queue-home");
  const env = { HOME: home.path, XDG_DATA_HOME: "" };
  const r = runBin(["service", "install", "--queue", "--user", "--init", "systemd", "--listen", "127.0.0.1:9100"], {
    env,
  });
  expect(r.code).toBe(0);
  const db = home.join(".local/share/seedwatch/queue.db");
  expect(existsSync(db)).toBe(true);
  const unit = readFileSync(home.join(".config/systemd/user/seedwatch-queue.service"), "utf8");
  expect(unit).toContain(`queue serve --db ${db} --listen "127.0.0.1:9100"`);
  expect(unit).toContain("WantedBy=default.target");
  expect(r.stdout).toContain(
    "next: systemctl --user daemon-reload && systemctl --user enable --now seedwatch-queue.service",
  );
});

test("install --queue (openrc): init script and conf.d with the arguments", () => {
  using dir = tempDir("svc-queue-rc");
  const r = runBin([
    "service",
    "install",
    "--queue",
    "--init",
    "openrc",
    "--root",
    dir.path,
    "--db",
    "postgres://queue@db.lan/queue",
  ]);
  expect(r.code).toBe(0);
  const script = readFileSync(dir.join("etc/init.d/seedwatch-queue"), "utf8");
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the OpenRC script's own shell variable, asserted as written
  expect(script).toContain('command_args="queue serve ${SEEDWATCH_QUEUE_ARGS}"');
  expect(script).toContain("--db postgres://queue@db.lan/queue --listen 127.0.0.1:8080");
  expect(readFileSync(dir.join("etc/conf.d/seedwatch-queue"), "utf8")).toContain("#SEEDWATCH_QUEUE_ARGS=");
});

test("a password in the URL is refused (the unit is world-readable); --db without --queue is a usage error", () => {
  using dir = tempDir("svc-queue-bad");
  const pw = runBin([
    "service",
    "install",
    "--queue",
    "--root",
    dir.path,
    "--db",
    "postgres://queue:secret@db.lan/queue",
  ]);
  expect(pw.code).toBe(3);
  expect(pw.stderr).toContain("PGPASSWORD");
  expect(pw.stderr).not.toContain("secret");
  const stray = runBin(["service", "install", "--root", dir.path, "--db", "q.db"]);
  expect([stray.code, stray.stderr]).toEqual([2, expect.stringContaining("--db and --listen are for --queue")]);
});
