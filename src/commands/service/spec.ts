// What both service sub-verbs take: the options, and the ServiceSpec they describe
// (init system, unit or script name, config path, stop timeout, root prefix), for a run
// config, the queue's coordinator (--queue) or a queue worker (--queue-worker).

import { accessSync, constants, existsSync, realpathSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { ConfigError, nativeError, UsageError } from "../../errors.ts";
import type { Parsed, Spec } from "../args.ts";
import { wholeNumber } from "../numbers.ts";
import { seedwatchDts } from "../user-api.ts";
import type { InitSystem, ServiceSpec } from "./unit-files.ts";

export const SERVICE_OPTIONS = {
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
      "the config to run (default: /etc/seedwatch/config.ts, or ~/.config/seedwatch/config.ts with --user); " +
      "an example is written if it does not exist",
  },
  name: { type: "string", valueHint: "NAME", default: "seedwatch", description: "the service's name" },
  stopTimeout: {
    type: "string",
    valueHint: "SECONDS",
    default: "90",
    description: "how long stopping may take before SIGKILL (more than the config's shutdown_timeout)",
  },
  root: { type: "string", valueHint: "DIR", description: "write under DIR instead of / (packaging, trying it out)" },
  queue: {
    type: "boolean",
    description:
      "the queue's coordinator (seedwatch queue serve) instead of a config; its name defaults to seedwatch-queue",
  },
  queueWorker: {
    type: "string",
    valueHint: "FILE",
    description:
      "a queue worker (seedwatch queue work --config FILE) instead of a config; " +
      "an example worker.ts is written if FILE does not exist; its name defaults to seedwatch-worker",
  },
  db: {
    type: "string",
    valueHint: "FILE|postgres://…",
    description:
      "--queue: its database (default: /var/lib/seedwatch/queue.db, or ~/.local/share/seedwatch/queue.db with --user)",
  },
  listen: {
    type: "string",
    valueHint: "HOST:PORT",
    description: "--queue: where it listens (default: 127.0.0.1:8080)",
  },
} as const satisfies Spec;

/** The options as a ServiceSpec; a system service outside --root needs /etc to be writable. */
export async function serviceSpec(a: Parsed<typeof SERVICE_OPTIONS>): Promise<ServiceSpec> {
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
  if (a.queueWorker !== undefined && (a.queue || a.config !== undefined))
    throw new UsageError(
      "--queue-worker is a service of its own: not with --queue or --config",
      "install them one at a time: seedwatch service install --queue-worker worker.ts",
    );
  const spec: ServiceSpec = {
    init,
    user: a.user,
    binary: realpathSync(process.execPath),
    config: resolve(
      a.queueWorker ?? a.config ?? (a.user ? join(home, ".config/seedwatch/config.ts") : "/etc/seedwatch/config.ts"),
    ),
    // the queue's own default names, so that neither ever replaces a config's service
    name: a.name !== "seedwatch" ? a.name : a.queue ? "seedwatch-queue" : a.queueWorker ? "seedwatch-worker" : a.name,
    stopTimeout: wholeNumber(a.stopTimeout, "--stop-timeout", 1, 90),
    root,
    home,
    dts: await seedwatchDts(),
    ...(a.queue ? { queue: queueArgs(a, home) } : {}),
    ...(a.queueWorker ? { worker: ["--config", resolve(a.queueWorker)] } : {}),
  };
  if (!a.queue && (a.db !== undefined || a.listen !== undefined))
    throw new UsageError(
      "--db and --listen are for --queue",
      "seedwatch service install --queue --db FILE --listen HOST:PORT",
    );
  if (!a.user && root === "/" && !writable("/etc"))
    throw nativeError(
      "open",
      "EACCES",
      "/etc",
      "a system service needs root: sudo seedwatch service …, or --user for a user unit",
    );
  return spec;
}

// --- internal ---

/** `queue serve` arguments with the database named absolutely (the service's HOME may not be yours). */
function queueArgs(a: Parsed<typeof SERVICE_OPTIONS>, home: string): string[] {
  if (a.config !== undefined)
    throw new UsageError("--queue runs the coordinator, not a config", "drop --config, or drop --queue");
  const db = a.db ?? (a.user ? join(home, ".local/share/seedwatch/queue.db") : "/var/lib/seedwatch/queue.db");
  if (/^postgres(ql)?:\/\/[^/@]*:[^/@]*@/i.test(db))
    throw new ConfigError(
      "a password in the URL would be written into the service file, which anyone can read",
      "--db",
      db.replace(/:[^/@:]*@/, ":***@"),
      "give the URL without it and put PGPASSWORD=… in a drop-in only root reads " +
        "(systemctl edit NAME: [Service] Environment=PGPASSWORD=…), or use ~/.pgpass",
    );
  return ["--db", /^postgres(ql)?:\/\//i.test(db) ? db : resolve(db), "--listen", a.listen ?? "127.0.0.1:8080"];
}

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
