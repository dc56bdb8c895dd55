// Scheduler logging as pyinotifyd wrote it ("start task, mask=…, path=…, task_id=…"),
// with per-logname levels (setLoglevel(level, logname)).

import type { FsEvent } from "../events/index.ts";
import { log } from "../log.ts";

export const LEVELS = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40, CRITICAL: 50 } as const;
const levels = new Map<string | undefined, number>();

/** setLoglevel(INFO) for all, setLoglevel(DEBUG, "sched") for one logname. */
export function setLoglevel(level: number, logname?: string): void {
  levels.set(logname, level);
}

export function resetLoglevels(): void {
  levels.clear();
}

export interface SchedLog {
  debug(msg: string, ev?: FsEvent, id?: string): void;
  info(msg: string, ev?: FsEvent, id?: string): void;
  warn(msg: string, ev?: FsEvent, id?: string): void;
  error(msg: string, ev?: FsEvent, id?: string): void;
}

export function schedLog(logname: string): SchedLog {
  const tagged = log.withTag(logname);
  const at = (level: number) => level >= (levels.get(logname) ?? levels.get(undefined) ?? LEVELS.DEBUG);
  const text = (msg: string, ev?: FsEvent, id?: string) =>
    ev ? `${msg}, mask=${ev.names.join("|")}, path=${ev.path}${id ? `, task_id=${id}` : ""}` : msg;
  return {
    debug: (m, e, i) => at(LEVELS.DEBUG) && tagged.debug(text(m, e, i)),
    info: (m, e, i) => at(LEVELS.INFO) && tagged.info(text(m, e, i)),
    warn: (m, e, i) => at(LEVELS.WARNING) && tagged.warn(text(m, e, i)),
    error: (m, e, i) => at(LEVELS.ERROR) && tagged.error(text(m, e, i)),
  };
}
