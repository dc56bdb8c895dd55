// enableSyslog: pyinotifyd's, for `run` configs. Messages go to a syslog socket
// (/dev/log by default) through one long-lived util-linux `logger --prio-prefix`, which
// reads one "<PRI>message" line at a time: no process per message, and no raw socket
// code (Bun has no unix datagram sockets). A reload replaces the reporter, so lines are
// never duplicated (pyinotifyd added a handler on every reload).

import type { ConsolaReporter } from "consola/core";
import { rejectUnknownKeys } from "../config/keys.ts";
import { ConfigError } from "../errors.ts";
import { addSink, log, removeSink } from "../log.ts";
import { LEVELS } from "./logging.ts";

export interface SyslogOptions {
  /** Lowest level sent (DEBUG … CRITICAL). Default INFO. */
  loglevel?: number;
  address?: string;
  /** Only this logname's messages (default: all). */
  logname?: string;
}

let current: { reporter: ConsolaReporter; proc: Bun.Subprocess<"pipe", "ignore", "ignore">; key: string } | undefined;
let calledThisLoad = false;

/** Around a config load: a config that loaded and no longer calls enableSyslog turns it off. */
export function beginConfigLoad(): void {
  calledThisLoad = false;
}

export function endConfigLoad(loaded: boolean): void {
  if (loaded && !calledThisLoad) disableSyslog();
}

export function enableSyslog(options: SyslogOptions = {}): void {
  calledThisLoad = true;
  rejectUnknownKeys(options, ["loglevel", "address", "logname"], "enableSyslog", ["lglevel", "name"]);
  const o = options as SyslogOptions & { lglevel?: number; name?: string }; // the README's misspellings work too
  const level = o.loglevel ?? o.lglevel ?? LEVELS.INFO;
  const address = o.address ?? "/dev/log";
  const only = o.logname ?? o.name;
  const logger = Bun.which("logger");
  if (!logger)
    throw new ConfigError(
      "needs util-linux's logger(1)",
      "enableSyslog",
      undefined,
      "apt-get install bsdutils, or log to the journal (stderr) instead",
    );
  const key = JSON.stringify([level, address, only]);
  if (current?.key === key) return; // a reload with the same settings: keep it
  disableSyslog();
  const proc = Bun.spawn(
    [logger, "--prio-prefix", `--id=${process.pid}`, "-t", "seedwatch", "-u", address, "--socket-errors=off"],
    { stdin: "pipe", stdout: "ignore", stderr: "ignore" },
  );
  const reporter: ConsolaReporter = {
    log(o2) {
      const lvl =
        o2.level <= 0 ? LEVELS.ERROR : o2.level === 1 ? LEVELS.WARNING : o2.level <= 3 ? LEVELS.INFO : LEVELS.DEBUG;
      if (lvl < level || (only && o2.tag !== only)) return;
      // facility daemon (3)
      const pri = 3 * 8 + (lvl >= LEVELS.ERROR ? 3 : lvl >= LEVELS.WARNING ? 4 : lvl >= LEVELS.INFO ? 6 : 7);
      const text = `${o2.tag ? `${o2.tag}: ` : ""}${o2.args.map(String).join(" ")}`.replaceAll("\n", " | ");
      try {
        proc.stdin.write(`<${pri}>${text}\n`);
        void Promise.resolve(proc.stdin.flush()).catch(() => broken());
      } catch {
        broken();
      }
    },
  };
  // Logging must never bring the daemon down: a syslog writer that dies is switched off.
  const broken = () => {
    if (current?.proc !== proc) return;
    disableSyslog();
    log
      .withTag("daemon")
      .warn(`syslog at ${address} stopped working (logger exited ${proc.exitCode ?? "?"}); logging to stderr only`);
  };
  void proc.exited.then(() => broken());
  addSink(reporter);
  current = { reporter, proc, key };
}

export function disableSyslog(): void {
  if (!current) return;
  const { reporter, proc } = current;
  current = undefined;
  removeSink(reporter);
  try {
    proc.stdin.end();
  } catch {
    // already gone
  }
}
