// A RulesDaemon under a Supervisor, on the fake filesystem and a fake clock: events come
// from FakeFs operations (as the engine would report them), delays pass when the test says.

import type { LogObject } from "consola/core";
import { setFormat, setReporter } from "../../../src/log.ts";
import { RulesDaemon } from "../../../src/rules/daemon.ts";
import { Pyinotifyd, validateConfig, Watch, type EventMapValue, type WatchOptions } from "../../../src/rules/config.ts";
import { TaskScheduler, type JobEvent } from "../../../src/rules/scheduler.ts";
import { Supervisor } from "../../../src/supervisor/index.ts";
import type { WatcherHandlers } from "../../../src/watch/index.ts";
import { FakeClock, settle } from "../../fakes/clock.ts";
import { FakeFs, FakeWatcher } from "../../fakes/watcher.ts";

export interface Run {
  path: string;
  mask: string;
  id: string;
  /** What the fake filesystem held at that path when the job started. */
  content: string | undefined;
}

export interface RulesRig {
  fs: FakeFs;
  clock: FakeClock;
  sched: TaskScheduler;
  daemon: RulesDaemon;
  runs: Run[];
  /** Jobs held (with `hold`) until released, oldest first. */
  held: (() => void)[];
  /** Hand an event to the daemon as the engine would. */
  inject: WatcherHandlers["onEvent"];
  release(): Promise<void>;
  /** Log lines so far (collected, not printed). */
  logs: string[];
}

export interface RigOptions {
  delay?: number;
  hold?: boolean;
  singlejob?: boolean;
  /** Directories made before the daemon starts. */
  dirs?: string[];
  map: (s: TaskScheduler) => Record<string, EventMapValue>;
  watch?: Partial<WatchOptions>;
  scheduler?: TaskScheduler;
}

/** The watch is on /w (recursive, auto_add); /out is outside it. */
export async function rulesRig(o: RigOptions): Promise<RulesRig> {
  const logs: string[] = [];
  setReporter({ log: (r: LogObject) => void logs.push(`${r.tag}: ${r.args.join(" ")}`) });
  const fs = new FakeFs();
  for (const d of ["/w", "/out", ...(o.dirs ?? [])]) fs.mkdirp(d);
  const clock = new FakeClock();
  const runs: Run[] = [];
  const held: (() => void)[] = [];
  const sched =
    o.scheduler ??
    new TaskScheduler({
      delay: o.delay ?? 10,
      singlejob: o.singlejob ?? false,
      job: async (e: JobEvent, id: string) => {
        const v = fs.entries.get(e.pathname);
        runs.push({ path: e.pathname, mask: e.maskname, id, content: v === "dir" ? undefined : v });
        if (o.hold) await new Promise<void>((r) => held.push(r));
      },
    });
  const config = validateConfig(
    new Pyinotifyd({
      watches: [new Watch({ path: "/w", rec: true, auto_add: true, event_map: o.map(sched), ...o.watch })],
    }),
  );
  let handlers!: WatcherHandlers;
  const supervisor = new Supervisor({
    clock,
    makeWatcher: (h) => {
      handlers = h;
      return new FakeWatcher(h, fs);
    },
  });
  const daemon = new RulesDaemon(config);
  await supervisor.add([daemon]);
  return {
    fs,
    clock,
    sched,
    daemon,
    runs,
    held,
    logs,
    inject: (ev) => handlers.onEvent(ev),
    release: async () => {
      held.shift()?.();
      await settle();
    },
  };
}

/** Put the usual stderr reporter back. */
export function restoreLog(): void {
  setFormat("text");
}
