// seedwatch doctor: what users trip on, each with its fix. Later areas add their checks
// (database, rtorrent lock) to CHECKS.

import { EXIT } from "../errors.ts";
import { inotifyUsage, LIMIT_NAMES, readLimit, RECOMMENDED } from "../watch/limits.ts";
import { probeInotify } from "../watch/inotify.ts";
import { resolve } from "node:path";
import { indexFindings, sessionFindings, type Finding } from "../rtorrent/doctor.ts";
import { defineVerb } from "./args.ts";
import { indexPath } from "../xdg.ts";

export default defineVerb({
  name: "doctor",
  description: "Check this machine for what seedwatch needs: libc, inotify, and inotify's limits",
  args: {
    json: { type: "boolean", description: "print the findings as a JSON array" },
    db: {
      type: "string",
      valueHint: "FILE",
      description: "the rtorrent index to check (default: ~/.local/share/seedwatch/rtorrent.db)",
    },
    session: {
      type: "string",
      valueHint: "DIR",
      description: "an rtorrent session directory to check (lock, leftovers)",
    },
  },
  examples: `
Exit status: 0 when nothing failed (warnings included), 8 when a check failed.`,
  async run(a) {
    const findings: Finding[] = [...inotifyFindings(), ...indexFindings(resolve(a.db ?? indexPath()))];
    if (a.session) findings.push(...sessionFindings(resolve(a.session)));
    if (a.json) process.stdout.write(`${JSON.stringify(findings, null, 2)}\n`);
    else {
      for (const f of findings) {
        process.stdout.write(`${f.status.padEnd(4)}  ${f.check}: ${f.detail}\n${f.fix ? `      fix: ${f.fix}\n` : ""}`);
      }
    }
    return findings.some((f) => f.status === "fail") ? EXIT.native : EXIT.ok;
  },
});

function* inotifyFindings(): Generator<Finding> {
  const probe = probeInotify();
  yield probe.ok
    ? { check: "inotify", status: "ok", detail: probe.detail }
    : { check: "inotify", status: "fail", detail: probe.detail, ...(probe.hint ? { fix: probe.hint } : {}) };
  const usage = inotifyUsage();
  const inUse: Record<string, number> = { max_user_watches: usage.watches, max_user_instances: usage.instances };
  for (const name of LIMIT_NAMES) {
    const value = readLimit(name);
    const check = `fs.inotify.${name}`;
    if (value === undefined) {
      yield { check, status: "warn", detail: "cannot read /proc/sys/fs/inotify (not Linux, or /proc hidden)" };
      continue;
    }
    const used = inUse[name];
    const usedText =
      used === undefined
        ? ""
        : ` (${used} in use by ${usage.processes} process${usage.processes === 1 ? "" : "es"} visible to this user)`;
    const want = RECOMMENDED[name];
    const fix =
      `sudo sysctl fs.inotify.${name}=${want}; ` +
      `to keep it: echo fs.inotify.${name}=${want} | sudo tee /etc/sysctl.d/90-seedwatch.conf`;
    const close = used !== undefined && used > value * 0.8;
    if (value < want || close) {
      const why = close
        ? "nearly used up"
        : name === "max_user_watches"
          ? "one watch per directory: a large seedbox needs more"
          : name === "max_user_instances"
            ? "each watching program takes one"
            : "a burst larger than this is lost and rescanned";
      yield { check, status: "warn", detail: `${value}${usedText}: ${why}`, fix };
    } else yield { check, status: "ok", detail: `${value}${usedText}` };
  }
}
