// The hook watchdog's thread (a Worker; build.ts compiles it as a second entrypoint).
// It sleeps while no user call is in flight; while one is, it checks the main thread's
// heartbeat a few times per limit, and when the beat has stopped for longer than the
// limit it names the culprit, records it in the hang file, writes one line where the
// logs go, and ends the whole process with libc's _exit (exitProcess, from the watcher
// layer, the one that calls libc; see watchdog.ts).
//
// Everything here is synchronous on purpose: this thread's own event loop never runs
// after the start message, so nothing it does waits for the blocked main thread.

import { appendFileSync, writeSync } from "node:fs";
import { formatLine } from "../log.ts";
import { exitProcess } from "../watch/inotify.ts";
import { hangLine } from "./hung.ts";
import { blockedLine, H, HUNG_EXIT, Shared, type SlotCall } from "./watchdog-shared.ts";

declare const self: Worker;

self.onmessage = (e: MessageEvent<SharedArrayBuffer>) => watch(new Shared(e.data));

function watch(shared: Shared): never {
  const exit = exitFunction();
  const i32 = shared.i32;
  for (;;) {
    Atomics.wait(i32, H.inFlight, 0); // idle: no deadline, no CPU
    let seen = Atomics.load(i32, H.beat);
    let since = performance.now();
    while (Atomics.load(i32, H.inFlight) !== 0) {
      const limit = Atomics.load(i32, H.limitMs);
      Atomics.wait(i32, H.beat, seen, Math.min(Math.max(limit / 4, 50), 5000));
      const beat = Atomics.load(i32, H.beat);
      if (beat !== seen) {
        seen = beat;
        since = performance.now();
      } else if (performance.now() - since >= limit && Atomics.load(i32, H.inFlight) !== 0) {
        report(shared, performance.now() - since, limit);
        exit(HUNG_EXIT);
      }
    }
  }
}

/** Name the culprits, record them, and write the line. */
function report(shared: Shared, blockedMs: number, limitMs: number): void {
  const sync = Atomics.load(shared.i32, H.sync);
  const marked = sync > 0 ? shared.readSlot(sync - 1) : undefined;
  const calls = marked ? [marked] : sync < 0 ? [] : shared.usedSlots();
  const unnamed = sync === 0 ? Atomics.load(shared.i32, H.overflow) : sync < 0 ? 1 : 0;
  const certain = sync !== 0 || calls.length + unnamed === 1;
  const { recorded, error } = record(calls, certain, blockedMs);
  const line = blockedLine({
    calls,
    certain,
    afterAwait: sync === 0,
    blockedMs,
    limitMs,
    unnamed,
    recorded,
    ...(error ? { recordError: error } : {}),
  });
  const style = shared.readStyle();
  const entry = { date: new Date(), level: 0, type: "error", tag: "watchdog", msg: line };
  write(() => writeSync(2, formatLine(style.stderr, entry, false)));
  for (const file of style.files) write(() => appendFileSync(file, formatLine("file", entry, false)));
}

function record(calls: SlotCall[], certain: boolean, blockedMs: number): { recorded: string[]; error?: string } {
  const recorded: string[] = [];
  const time = new Date().toISOString();
  for (const c of calls) {
    if (c.key === undefined || !c.hangFile) continue;
    try {
      appendFileSync(
        c.hangFile,
        hangLine({
          time,
          hook: c.hook,
          key: c.key,
          ...(c.subject ? { subject: c.subject } : {}),
          blockedMs: Math.round(blockedMs),
          limitMs: c.limitMs,
          certain,
        }),
      );
      recorded.push(c.hangFile);
    } catch (err) {
      return { recorded, error: (err as Error).message };
    }
  }
  return { recorded };
}

function write(fn: () => void): void {
  try {
    fn();
  } catch {
    // stderr closed, log file gone: the exit status still says it
  }
}

/** libc's _exit ends every thread; without libc, SIGKILL does (status 137 instead of 12). */
function exitFunction(): (status: number) => never {
  return (status) => {
    try {
      exitProcess(status);
    } catch {
      process.kill(process.pid, "SIGKILL");
    }
    throw new Error("unreachable");
  };
}
