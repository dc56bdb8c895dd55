// Finding live processes by a unique word in their command line, to prove that nothing
// a command started outlived it.

import { readdirSync, readFileSync } from "node:fs";

/** A word to put in a command line (`sleep 1000.<token>`) and look for afterwards. */
export function uniqueToken(): string {
  return String(Math.floor(Math.random() * 1e9)).padStart(9, "0");
}

/** Pids of live (not zombie) processes whose command line holds `token`. */
export function liveWith(token: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (!readFileSync(`/proc/${name}/cmdline`, "utf8").includes(token)) continue;
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      if (stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z") out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Kill what a failed test left behind. */
export function killAll(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone
    }
  }
}
