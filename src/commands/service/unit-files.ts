// Service files for `seedwatch run`: a systemd unit (system or --user) or an OpenRC init
// script with conf.d. ExecStart names this very binary (pyinotifyd hard-coded
// /usr/bin/pyinotifyd); a broken config refuses to start or reload (run --check first);
// uninstall keeps a config the user changed. Pure text builders plus install/uninstall
// over a root prefix (--root), so packagers and tests can write into a staging tree.

import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { CONFIG_EXAMPLE, TSCONFIG, WORKER_EXAMPLE } from "../examples.ts";

export type InitSystem = "systemd" | "openrc";

export interface ServiceSpec {
  init: InitSystem;
  user: boolean;
  /** The seedwatch binary. */
  binary: string;
  /** The config file (absolute, as seen by the service). */
  config: string;
  name: string;
  /** Seconds systemd/OpenRC wait after SIGTERM before SIGKILL. */
  stopTimeout: number;
  /** Prefix for every path written (packaging, tests). */
  root: string;
  home: string;
  /** The text of seedwatch.d.ts (commands/user-api.ts). */
  dts: string;
  /** Set: the service runs `queue serve` with these arguments, not `run CONFIG`. */
  queue?: string[];
  /** Set: the service runs `queue work` with these arguments (`--config` is `config`), not `run CONFIG`. */
  worker?: string[];
}

export interface Planned {
  path: string;
  text: string;
  /** Written only when absent (config files): never overwrite the user's. */
  keep: boolean;
}

export function planFiles(s: ServiceSpec): Planned[] {
  const out: Planned[] = [];
  if (s.init === "systemd") {
    const dir = s.user ? join(s.home, ".config/systemd/user") : "/etc/systemd/system";
    out.push({ path: join(dir, `${s.name}.service`), text: systemdUnit(s), keep: false });
  } else {
    out.push({ path: `/etc/init.d/${s.name}`, text: openrcScript(s), keep: false });
    out.push({ path: `/etc/conf.d/${s.name}`, text: openrcConf(s), keep: true });
  }
  if (s.queue) return out; // the coordinator has no config file
  out.push({ path: s.config, text: s.worker ? WORKER_EXAMPLE : CONFIG_EXAMPLE, keep: true });
  out.push({ path: join(dirname(s.config), "seedwatch.d.ts"), text: s.dts, keep: false });
  out.push({ path: join(dirname(s.config), "tsconfig.json"), text: TSCONFIG, keep: true });
  return out;
}

/** Write the files (under --root); returns the command that enables the service. */
export function install(s: ServiceSpec, say: (l: string) => void): string {
  for (const f of planFiles(s)) {
    const at = join(s.root, f.path);
    if (f.keep && existsSync(at)) {
      say(`kept    ${at} (already there)`);
      continue;
    }
    mkdirSync(dirname(at), { recursive: true });
    writeFileSync(at, f.text, { mode: f.path.startsWith("/etc/init.d/") ? 0o755 : 0o644 });
    const note =
      f.text === CONFIG_EXAMPLE
        ? " (an example that watches nothing until you set INCOMING in it)"
        : f.text === WORKER_EXAMPLE
          ? " (an example: set its coordinator, sites and seedboxes)"
          : "";
    say(`wrote   ${at}${note}`);
  }
  const ctl = s.user ? "systemctl --user" : "systemctl";
  return s.init === "systemd"
    ? `${ctl} daemon-reload && ${ctl} enable --now ${s.name}.service` +
        `${s.user ? "   (and: loginctl enable-linger $USER, to run while logged out)" : ""}`
    : `rc-update add ${s.name} default && rc-service ${s.name} start`;
}

/** Remove what install wrote and the user did not change; says so when there was nothing. */
export function uninstall(s: ServiceSpec, say: (l: string) => void): void {
  let found = false;
  for (const f of planFiles(s)) {
    const at = join(s.root, f.path);
    if (!existsSync(at)) continue;
    found = true;
    const changed = readFileSync(at, "utf8") !== f.text;
    if (f.keep && changed) {
      say(`kept    ${at} (you changed it; remove it yourself)`);
      continue;
    }
    unlinkSync(at);
    say(`removed ${at}`);
  }
  const dir = join(s.root, dirname(s.config));
  if (!s.queue && !s.worker && existsSync(dir) && readdirSync(dir).length === 0) {
    rmdirSync(dir);
    say(`removed ${dir}`);
  }
  if (!found) say(`nothing to remove: no ${s.init} service "${s.name}" files under ${s.root}`);
}

// --- internal ---

function systemdUnit(s: ServiceSpec): string {
  const sh = (a: string) => (/^[\w./+-]+$/.test(a) ? a : `"${a.replace(/(["\\\\$])/g, "\\\\$1")}"`);
  if (s.queue || s.worker) return queueUnit(s, sh);
  const run = `${sh(s.binary)} run ${sh(s.config)}`;
  const check = `${sh(s.binary)} run --check ${sh(s.config)}`;
  const sandbox = s.user
    ? ["NoNewPrivileges=yes"]
    : [
        "# Sandboxing that leaves rules free to work on /home, /srv, /mnt and /media:",
        "NoNewPrivileges=yes",
        "ProtectSystem=full",
        "ProtectKernelTunables=yes",
        "ProtectKernelModules=yes",
        "ProtectControlGroups=yes",
        "RestrictSUIDSGID=yes",
        "RestrictRealtime=yes",
        "LockPersonality=yes",
        "# User=seedbox   (run as that user instead of root)",
      ];
  return `# Written by seedwatch service install. Remove with: seedwatch service uninstall${s.user ? " --user" : ""}
[Unit]
Description=seedwatch rules daemon (${s.config})
After=local-fs.target network-online.target

[Service]
Type=exec
ExecStartPre=${check}
ExecStart=${run}
# A reload checks the new config first; a broken one is refused and the old one runs on.
ExecReload=${check}
ExecReload=/bin/kill -HUP $MAINPID
Restart=on-failure
RestartSec=5
TimeoutStopSec=${s.stopTimeout}
KillMode=mixed
${sandbox.join("\n")}

[Install]
WantedBy=${s.user ? "default.target" : "multi-user.target"}
`;
}

/** The coordinator (SIGTERM drains its requests) or a worker (SIGTERM gives back what it holds): no reload. */
function queueUnit(s: ServiceSpec, sh: (a: string) => string): string {
  const [flag, verb, what] = s.worker
    ? [`--queue-worker ${sh(s.config)}`, "work", "worker"]
    : ["--queue", "serve", "coordinator"];
  const own = s.worker ? "seedwatch-worker" : "seedwatch-queue";
  const removal =
    `seedwatch service uninstall ${flag}${s.user ? " --user" : ""}` + `${s.name === own ? "" : ` --name ${s.name}`}`;
  const secrets = s.worker
    ? "# Secrets named { env: NAME } in the worker config: systemctl edit NAME, [Service] Environment=NAME=…\n"
    : "";
  const hardening = s.user
    ? "NoNewPrivileges=yes"
    : "NoNewPrivileges=yes\nProtectSystem=full\nProtectKernelTunables=yes\nProtectKernelModules=yes\n" +
      "ProtectControlGroups=yes\nRestrictSUIDSGID=yes\nLockPersonality=yes\n" +
      "# User=seedbox   (run as that user instead of root)";
  return `# Written by seedwatch service install ${flag}. Remove with: ${removal}
[Unit]
Description=seedwatch queue ${what}
After=network-online.target
Wants=network-online.target

[Service]
Type=exec
ExecStart=${[s.binary, "queue", verb, ...(s.worker ?? s.queue!)].map(sh).join(" ")}
${secrets}Restart=on-failure
RestartSec=5
TimeoutStopSec=${s.stopTimeout}
${hardening}

[Install]
WantedBy=${s.user ? "default.target" : "multi-user.target"}
`;
}

function openrcScript(s: ServiceSpec): string {
  const q = s.worker ?? s.queue;
  if (q)
    return `#!/sbin/openrc-run
# Written by seedwatch service install ${s.worker ? "--queue-worker" : "--queue"}. Settings: /etc/conf.d/${s.name}

name="${s.name}"
description="seedwatch queue ${s.worker ? "worker" : "coordinator"}"
: \${SEEDWATCH_QUEUE_ARGS:=${q.join(" ")}}
: \${SHUTDOWN_TIMEOUT:=${s.stopTimeout}}
command="${s.binary}"
command_args="queue ${s.worker ? "work" : "serve"} \${SEEDWATCH_QUEUE_ARGS}"
command_background=true
command_user="\${SEEDWATCH_USER:-root}"
pidfile="/run/\${RC_SVCNAME}.pid"
retry="SIGTERM/\${SHUTDOWN_TIMEOUT}/SIGKILL/5"

depend() {
\tuse net
}
`;
  return `#!/sbin/openrc-run
# Written by seedwatch service install. Settings: /etc/conf.d/${s.name}

name="${s.name}"
description="seedwatch rules daemon"
: \${SEEDWATCH_CONFIG:=${s.config}}
: \${SHUTDOWN_TIMEOUT:=${s.stopTimeout}}
command="${s.binary}"
command_args="run \${SEEDWATCH_CONFIG} \${SEEDWATCH_OPTS}"
command_background=true
command_user="\${SEEDWATCH_USER:-root}"
pidfile="/run/\${RC_SVCNAME}.pid"
retry="SIGTERM/\${SHUTDOWN_TIMEOUT}/SIGKILL/5"
extra_commands="configtest"
extra_started_commands="reload"

depend() {
\tneed localmount
\tuse net
}

configtest() {
\tebegin "Checking \${RC_SVCNAME} configuration"
\t"\${command}" run --check "\${SEEDWATCH_CONFIG}" >/dev/null
\teend $? "the config has errors: \${command} run --check \${SEEDWATCH_CONFIG}"
}

start_pre() {
\tconfigtest
}

reload() {
\tconfigtest || return 1
\tebegin "Reloading \${RC_SVCNAME}"
\tstart-stop-daemon --signal HUP --pidfile "\${pidfile}"
\teend $?
}
`;
}

function openrcConf(s: ServiceSpec): string {
  const q = s.worker ?? s.queue;
  if (q)
    return `# Settings for /etc/init.d/${s.name} (seedwatch queue ${s.worker ? "work" : "serve"})
#SEEDWATCH_QUEUE_ARGS="${q.join(" ")}"
# the user to run as; user:group works too
#SEEDWATCH_USER="root"
#SHUTDOWN_TIMEOUT=${s.stopTimeout}
`;
  return `# Settings for /etc/init.d/${s.name} (seedwatch run)
#SEEDWATCH_CONFIG="${s.config}"
# the user to run as; user:group works too
#SEEDWATCH_USER="root"
# seconds running tasks get at stop, before SIGKILL
#SHUTDOWN_TIMEOUT=${s.stopTimeout}
#SEEDWATCH_OPTS=""
`;
}
