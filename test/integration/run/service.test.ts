// seedwatch service install/uninstall, written into a staging root (--root) or a temp
// HOME, checked as files and with systemd-analyze verify where it exists.

import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { CONFIG_EXAMPLE } from "../../../src/commands/examples.ts";
import { AS_NOBODY, BIN, binForAnyone, Running, runBin } from "../../helpers/bin.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { waitFor } from "../../helpers/wait.ts";

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
    expect(r.stdout).toContain(
      "next, on the installed system: seedwatch run --check /etc/seedwatch/config.ts && " +
        "systemctl daemon-reload && systemctl enable --now seedwatch.service",
    );
    // the example config it wrote passes run --check here, a box without /srv/incoming
    const check = runBin(["run", "--check", dir.join("etc/seedwatch/config.ts")]);
    expect({ code: check.code, stderr: check.stderr }).toEqual({ code: 0, stderr: "" });
    expect(check.stdout).toContain("no watches: the daemon would do nothing");
    if (ANALYZE) {
      const v = Bun.spawnSync([ANALYZE, "verify", dir.join("etc/systemd/system/seedwatch.service")], {
        stderr: "pipe",
        stdout: "pipe",
      });
      expect(`${v.stdout}${v.stderr}`).toBe(""); // verify exits 0 even on warnings: none allowed
      expect(v.exitCode).toBe(0);
    }
  });

  test("--root: every path printed is one it wrote, under DIR", () => {
    using dir = tempDir("svc");
    const r = runBin(["service", "install", "--init", "openrc", "--root", dir.path]);
    expect(r.code).toBe(0);
    const wrote = r.stdout
      .split("\n")
      .filter((l) => l.startsWith("wrote "))
      .map((l) => l.split(/\s+/)[1]!);
    expect(wrote.length).toBe(5);
    for (const p of wrote) expect([p, p.startsWith(`${dir.path}/`), existsSync(p)]).toEqual([p, true, true]);
    const removed = runBin(["service", "uninstall", "--init", "openrc", "--root", dir.path])
      .stdout.split("\n")
      .filter((l) => l.startsWith("removed "))
      .map((l) => l.split(/\s+/)[1]!);
    for (const p of removed) expect([p, p.startsWith(`${dir.path}/`), existsSync(p)]).toEqual([p, true, false]);
  });

  test("a second uninstall says there was nothing to remove, and exits 0 (package scripts may run it twice)", () => {
    using dir = tempDir("svc");
    runBin(["service", "install", "--init", "systemd", "--root", dir.path]);
    expect(runBin(["service", "uninstall", "--init", "systemd", "--root", dir.path]).stdout).toContain("removed ");
    const again = runBin(["service", "uninstall", "--init", "systemd", "--root", dir.path]);
    expect(again).toEqual({
      code: 0,
      stdout: `nothing to remove: no systemd service "seedwatch" files under ${dir.path}\n`,
      stderr: "",
    });
  });

  test(
    "install checks a config it keeps: one run would refuse stops the install (exit 4), " +
      "so '&& systemctl enable' does not run",
    () => {
      using dir = tempDir("svc");
      mkdirSync(dir.join(".config/seedwatch"), { recursive: true });
      writeFileSync(
        dir.join(".config/seedwatch/config.ts"),
        CONFIG_EXAMPLE.replace(
          'const INCOMING: string = "";',
          `const INCOMING: string = "${dir.join("no-such-dir")}";`,
        ),
      );
      const r = runBin(["service", "install", "--user", "--init", "systemd"], { env: { HOME: dir.path } });
      expect(r.code).toBe(4);
      expect(r.stdout).toContain("installed, but not ready to start:");
      expect(r.stdout).not.toContain("next:");
      expect(r.stderr).toMatch(/no-such-dir.*no such file or directory[\s\S]*hint: /);
    },
  );

  test("the example config works once INCOMING is set: a finished .mkv is moved into LIBRARY", async () => {
    using dir = tempDir("svc");
    mkdirSync(dir.join("in/show"), { recursive: true });
    const cfg = dir.join("config.ts");
    writeFileSync(
      cfg,
      CONFIG_EXAMPLE.replace('const INCOMING: string = "";', `const INCOMING: string = "${dir.join("in")}";`)
        .replace('const LIBRARY: string = "/srv/library";', `const LIBRARY: string = "${dir.join("lib")}";`)
        .replace("delay: 60,", "delay: 0.1,"),
    );
    expect(runBin(["run", "--check", cfg]).stdout).toContain(`watch ${dir.join("in")} (recursive`);
    await using w = new Running(["run", cfg]);
    await w.waitStderr(/running \//, "running");
    writeFileSync(dir.join("in/show/e01.mkv"), "x");
    writeFileSync(dir.join("in/show/e01.nfo"), "x");
    await waitFor(() => existsSync(dir.join("lib/show/e01.mkv")), "moved");
    expect(existsSync(dir.join("in/show/e01.nfo"))).toBe(true);
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
    expect(r.stdout).toContain(`kept    ${dir.join("etc/seedwatch/config.ts")} (you changed it`);
    expect(existsSync(dir.join("etc/seedwatch/seedwatch.d.ts"))).toBe(false);
    // an unchanged install comes out entirely
    using clean = tempDir("svc");
    runBin(["service", "install", "--init", "systemd", "--root", clean.path]);
    runBin(["service", "uninstall", "--init", "systemd", "--root", clean.path]);
    expect(existsSync(clean.join("etc/seedwatch"))).toBe(false);
  });

  test("install --init openrc: an executable init script with configtest and reload, and conf.d", () => {
    using dir = tempDir("svc");
    expect(
      runBin(["service", "install", "--init", "openrc", "--root", dir.path, "--config", "/srv/rules/config.ts"]).code,
    ).toBe(0);
    const script = dir.join("etc/init.d/seedwatch");
    expect(statSync(script).mode & 0o111).not.toBe(0);
    const text = readFileSync(script, "utf8");
    expect(text.startsWith("#!/sbin/openrc-run\n")).toBe(true);
    expect(text).toContain(`command="${BIN}"`);
    expect(text).toContain('extra_commands="configtest"');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the init script's shell variable, not a template
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
    const r = runBin(["service", "install", "--init", "systemd"], {
      prefix: AS_NOBODY,
      bin: binForAnyone(),
    });
    expect(r.code).toBe(6);
    expect(r.stderr).toContain("--user");
  });
});
