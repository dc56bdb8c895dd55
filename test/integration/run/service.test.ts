// seedwatch service install/uninstall, written into a staging root (--root) or a temp
// HOME, checked as files and with systemd-analyze verify where it exists.

import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { BIN, runBin } from "../../helpers/bin.ts";
import { tempDir } from "../../helpers/tmp.ts";

const ANALYZE = Bun.which("systemd-analyze");

describe("seedwatch service", () => {
  test("install (systemd, system): a unit that runs this binary, checks the config first, and verifies", () => {
    using dir = tempDir("svc");
    const r = runBin(["service", "install", "--init", "systemd", "--root", dir.path]);
    expect(r.code).toBe(0);
    const unit = readFileSync(dir.join("etc/systemd/system/seedwatch.service"), "utf8");
    expect(unit).toContain(`ExecStart=${BIN} run /etc/seedwatch/config.ts`);
    expect(unit).toContain(`ExecStartPre=${BIN} run --check /etc/seedwatch/config.ts`);
    expect(unit).toMatch(/ExecReload=.* run --check .*\nExecReload=\/bin\/kill -HUP \$MAINPID/);
    expect(unit).toContain("Restart=on-failure");
    expect(unit).toContain("ProtectSystem=full");
    expect(r.stdout).toContain("next: systemctl daemon-reload && systemctl enable --now seedwatch.service");
    // the example config it wrote is a valid config
    const check = runBin(["run", "--check", dir.join("etc/seedwatch/config.ts")]);
    expect(check.code).toBe(0);
    if (ANALYZE) {
      const v = Bun.spawnSync([ANALYZE, "verify", dir.join("etc/systemd/system/seedwatch.service")], { stderr: "pipe", stdout: "pipe" });
      expect(`${v.stdout}${v.stderr}`).toBe(""); // verify exits 0 even on warnings: none allowed
      expect(v.exitCode).toBe(0);
    }
  });

  test("install --user needs no root and writes a user unit", () => {
    using dir = tempDir("svc");
    const r = runBin(["service", "install", "--user", "--init", "systemd"], { env: { HOME: dir.path } });
    expect(r.code).toBe(0);
    const unit = readFileSync(dir.join(".config/systemd/user/seedwatch.service"), "utf8");
    expect(unit).toContain(`run ${dir.join(".config/seedwatch/config.ts")}`);
    expect(unit).toContain("WantedBy=default.target");
    expect(unit).not.toContain("ProtectSystem");
    expect(r.stdout).toContain("systemctl --user");
  });

  test("uninstall removes what it wrote and keeps a config the user changed", () => {
    using dir = tempDir("svc");
    runBin(["service", "install", "--init", "systemd", "--root", dir.path]);
    writeFileSync(dir.join("etc/seedwatch/config.ts"), "// mine\n", { flag: "a" });
    const r = runBin(["service", "uninstall", "--init", "systemd", "--root", dir.path]);
    expect(r.code).toBe(0);
    expect(existsSync(dir.join("etc/systemd/system/seedwatch.service"))).toBe(false);
    expect(existsSync(dir.join("etc/seedwatch/config.ts"))).toBe(true);
    expect(r.stdout).toContain("kept    /etc/seedwatch/config.ts (you changed it");
    expect(existsSync(dir.join("etc/seedwatch/seedwatch.d.ts"))).toBe(false);
    // an unchanged install comes out entirely
    using clean = tempDir("svc");
    runBin(["service", "install", "--init", "systemd", "--root", clean.path]);
    runBin(["service", "uninstall", "--init", "systemd", "--root", clean.path]);
    expect(existsSync(clean.join("etc/seedwatch"))).toBe(false);
  });

  test("install --init openrc: an executable init script with configtest and reload, and conf.d", () => {
    using dir = tempDir("svc");
    expect(runBin(["service", "install", "--init", "openrc", "--root", dir.path, "--config", "/srv/rules/config.ts"]).code).toBe(0);
    const script = dir.join("etc/init.d/seedwatch");
    expect(statSync(script).mode & 0o111).not.toBe(0);
    const text = readFileSync(script, "utf8");
    expect(text.startsWith("#!/sbin/openrc-run\n")).toBe(true);
    expect(text).toContain(`command="${BIN}"`);
    expect(text).toContain('extra_commands="configtest"');
    expect(text).toContain('start-stop-daemon --signal HUP --pidfile "${pidfile}"');
    expect(Bun.spawnSync(["sh", "-n", script]).exitCode).toBe(0);
    expect(readFileSync(dir.join("etc/conf.d/seedwatch"), "utf8")).toContain("#SEEDWATCH_USER=");
    expect(existsSync(dir.join("srv/rules/config.ts"))).toBe(true);
  });

  test("bad input: --user with OpenRC, an unknown action", () => {
    expect(runBin(["service", "install", "--user", "--init", "openrc"]).code).toBe(2);
    expect(runBin(["service", "frob"]).code).toBe(2);
  });

  test.skipIf(process.getuid?.() !== 0)("a system install without root: permission denied, with the way out", () => {
    const r = runBin(["service", "install", "--init", "systemd"], { prefix: ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] });
    expect(r.code).toBe(6);
    expect(r.stderr).toContain("--user");
  });
});
