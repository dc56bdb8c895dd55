// rtorrent's session lock: `rtorrent.lock` holds "hostname:+pid". rtorrent itself treats
// a lock as held when the host is this one and kill(pid, 0) succeeds (a dead pid on the
// same host is taken over); a lock from another host is always held.

import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { joinPath } from "../events/index.ts";

export type LockState = { held: false; stale?: string } | { held: true; by: string };

export function rtorrentLock(session: string): LockState {
  let text: string;
  try {
    text = readFileSync(joinPath(session, "rtorrent.lock"), "utf8").trim();
  } catch {
    return { held: false };
  }
  const m = /^(.*):\+(\d+)$/.exec(text);
  if (!m) return { held: true, by: `an unreadable lock (${JSON.stringify(text)})` };
  const [, host, pid] = m;
  if (host !== hostname()) return { held: true, by: `${host} (pid ${pid}, another host)` };
  return alive(Number(pid)) ? { held: true, by: `pid ${pid}` } : { held: false, stale: `pid ${pid} is gone` };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM"; // exists, owned by someone else
  }
}
