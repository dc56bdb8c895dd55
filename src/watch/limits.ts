// The kernel's inotify limits and how much of them is in use, for `seedwatch doctor` and
// for error hints. Reads /proc only.

import { readdirSync, readFileSync, readlinkSync } from "node:fs";

export const LIMIT_NAMES = ["max_user_watches", "max_user_instances", "max_queued_events"] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];

/** What a busy seedbox wants; doctor suggests at least these. */
export const RECOMMENDED: Record<LimitName, number> = {
  max_user_watches: 524288,
  max_user_instances: 512,
  max_queued_events: 16384,
};

export function readLimit(name: LimitName, procRoot = "/proc"): number | undefined {
  try {
    return Number.parseInt(readFileSync(`${procRoot}/sys/fs/inotify/${name}`, "utf8"), 10);
  } catch {
    return undefined;
  }
}

/**
 * Watches and instances held by processes this user can inspect (all of them as root):
 * every fd whose link is "anon_inode:inotify", with its "inotify wd:" lines counted.
 */
export function inotifyUsage(procRoot = "/proc"): { instances: number; watches: number; processes: number } {
  let instances = 0;
  let watches = 0;
  let processes = 0;
  for (const pid of safeList(procRoot)) {
    if (!/^\d+$/.test(pid)) continue;
    let mine = false;
    for (const fd of safeList(`${procRoot}/${pid}/fd`)) {
      let target: string;
      try {
        target = readlinkSync(`${procRoot}/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      if (target !== "anon_inode:inotify") continue;
      instances++;
      mine = true;
      try {
        const info = readFileSync(`${procRoot}/${pid}/fdinfo/${fd}`, "utf8");
        watches += info.split("\n").filter((l) => l.startsWith("inotify wd:")).length;
      } catch {
        // the process exited meanwhile
      }
    }
    if (mine) processes++;
  }
  return { instances, watches, processes };
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
