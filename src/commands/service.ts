// seedwatch service install|uninstall: run a config as a service.

import { accessSync, constants, existsSync, realpathSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { ConfigError, nativeError, SeedError, UsageError } from "../errors.ts";
import { install, uninstall, type InitSystem, type ServiceSpec } from "./service-files.ts";
import { checkConfig } from "./run-daemon.ts";
import { defineVerb } from "./args.ts";
import { wholeNumber } from "./numbers.ts";

export default defineVerb({
  name: "service",
  description:
    "Install or remove the service that runs a config (systemd unit, system or --user, or OpenRC init script)",
  args: {
    action: { type: "positional", valueHint: "install|uninstall", description: "what to do" },
    user: { type: "boolean", description: "a systemd user unit under ~/.config/systemd/user (no root needed)" },
    init: {
      type: "string",
      valueHint: "systemd|openrc",
      description: "the init system (default: the one this machine runs)",
    },
    config: {
      type: "string",
      valueHint: "FILE",
      description:
        "the config to run (default: /etc/seedwatch/config.ts, or ~/.config/seedwatch/config.ts with --user); an example is written if it does not exist",
    },
    name: { type: "string", valueHint: "NAME", default: "seedwatch", description: "the service's name" },
    stopTimeout: {
      type: "string",
      valueHint: "SECONDS",
      default: "90",
      description: "how long stopping may take before SIGKILL (more than the config's shutdown_timeout)",
    },
    root: { type: "string", valueHint: "DIR", description: "write under DIR instead of / (packaging, trying it out)" },
  },
  examples: `
EXAMPLES
  seedwatch service install --user && systemctl --user daemon-reload && systemctl --user enable --now seedwatch
  sudo seedwatch service install --config /etc/seedwatch/config.ts
  sudo seedwatch service uninstall        (a config you changed is kept)

  install writes an example config if there is none (it watches nothing until you set
  INCOMING in it), then checks the config as 'run --check' does: if it does not pass,
  install says why and exits with that error's code, so '&& systemctl enable' stops.
  With --root (packaging) nothing is checked. A second uninstall says there was
  nothing to remove and exits 0, so package scripts can run it twice.`,
  async run(a) {
    if (a.action !== "install" && a.action !== "uninstall")
      throw new UsageError(`unknown action ${JSON.stringify(a.action)}`, "seedwatch service install|uninstall");
    const init = (a.init ??
      (existsSync("/run/systemd/system") || !existsSync("/sbin/openrc-run") ? "systemd" : "openrc")) as InitSystem;
    if (init !== "systemd" && init !== "openrc")
      throw new ConfigError("must be systemd or openrc", "--init", a.init, "--init systemd or --init openrc");
    if (a.user && init === "openrc")
      throw new UsageError(
        "OpenRC has no per-user services",
        "use --init systemd --user, or install system-wide as root",
      );
    const home = process.env.HOME ?? homedir();
    const root = resolve(a.root ?? "/");
    const stop = wholeNumber(a.stopTimeout, "--stop-timeout", 1, 90);
    const spec: ServiceSpec = {
      init,
      user: a.user,
      binary: realpathSync(process.execPath),
      config: resolve(a.config ?? (a.user ? join(home, ".config/seedwatch/config.ts") : "/etc/seedwatch/config.ts")),
      name: a.name,
      stopTimeout: stop,
      root,
      home,
    };
    if (!a.user && root === "/" && !writable("/etc")) {
      throw nativeError(
        "open",
        "EACCES",
        "/etc",
        "a system service needs root: sudo seedwatch service …, or --user for a user unit",
      );
    }
    const say = (l: string) => process.stdout.write(`${l}\n`);
    if (a.action === "uninstall") {
      uninstall(spec, say);
      return 0;
    }
    const enable = install(spec, say);
    if (root !== "/") {
      say(`next, on the installed system: seedwatch run --check ${spec.config} && ${enable}`);
      return 0;
    }
    try {
      await checkConfig(spec.config);
    } catch (err) {
      if (err instanceof SeedError)
        say(
          `installed, but not ready to start: ${spec.config} does not pass 'seedwatch run --check' (below); fix it, then: ${enable}`,
        );
      throw err;
    }
    say(`next: ${enable}`);
    return 0;
  },
});

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
