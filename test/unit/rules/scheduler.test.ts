// TaskScheduler semantics with a fake clock: nothing here sleeps.

import { describe, expect, test } from "bun:test";
import { fsEvent, type FsEvent } from "../../../src/events/index.ts";
import { Cancel, TaskScheduler, type JobEvent } from "../../../src/rules/scheduler.ts";
import { FakeClock, settle } from "../../fakes/clock.ts";

const ev = (path: string, name: Parameters<typeof fsEvent>[0] = "IN_CLOSE_WRITE", dir = false): FsEvent =>
  fsEvent(name, path, dir, "/w");

/** A scheduler whose jobs record themselves; with `hold`, each job waits for release(). */
function harness(opts: Partial<ConstructorParameters<typeof TaskScheduler>[0]> = {}, hold = false) {
  const clock = new FakeClock();
  const runs: { path: string; mask: string; id: string }[] = [];
  const gates: (() => void)[] = [];
  const s = new TaskScheduler({
    job: async (e: JobEvent, id: string) => {
      runs.push({ path: e.pathname, mask: e.maskname, id });
      if (hold) await new Promise<void>((r) => gates.push(r));
    },
    ...opts,
  });
  s.attach(clock);
  const release = async () => {
    gates.shift()?.();
    await settle();
  };
  return { s, clock, runs, release };
}

describe("TaskScheduler", () => {
  test("delay 0 runs at once; files only by default", async () => {
    const { s, runs } = harness();
    s.schedule(ev("/w/a"));
    s.schedule(ev("/w/d", "IN_CREATE", true));
    await settle();
    expect(runs.map((r) => r.path)).toEqual(["/w/a"]);
  });

  test("a repeat event in the delay re-arms it, and the job gets the newest event", async () => {
    const { s, clock, runs } = harness({ delay: 10 });
    s.schedule(ev("/w/a", "IN_CREATE"));
    await clock.advance(9000);
    s.schedule(ev("/w/a", "IN_CLOSE_WRITE"));
    await clock.advance(9000);
    expect(runs).toEqual([]);
    await clock.advance(1000);
    expect(runs.map((r) => r.mask)).toEqual(["IN_CLOSE_WRITE"]);
  });

  test("Cancel in the delay drops the task; a later event starts a new one with a new id", async () => {
    const { s, clock, runs } = harness({ delay: 5 });
    s.schedule(ev("/w/a"));
    s.cancel(ev("/w/a", "IN_DELETE"));
    await clock.advance(10_000);
    expect(runs).toEqual([]);
    s.schedule(ev("/w/a"));
    await clock.advance(5000);
    expect(runs.length).toBe(1);
  });

  test("an event while the job runs is not dropped: one re-run with the newest event, same task_id", async () => {
    const h = harness({}, true);
    h.s.schedule(ev("/w/a", "IN_CREATE"));
    await settle();
    h.s.schedule(ev("/w/a", "IN_MODIFY"));
    h.s.schedule(ev("/w/a", "IN_CLOSE_WRITE"));
    expect(h.runs.length).toBe(1);
    await h.release();
    expect(h.runs.map((r) => r.mask)).toEqual(["IN_CREATE", "IN_CLOSE_WRITE"]);
    expect(h.runs[1]!.id).toBe(h.runs[0]!.id);
    await h.release();
    expect(h.s.counts).toEqual({ delayed: 0, running: 0 });
  });

  test("Cancel while the job runs drops the pending re-run, never the job", async () => {
    const h = harness({}, true);
    h.s.schedule(ev("/w/a"));
    await settle();
    h.s.schedule(ev("/w/a"));
    h.s.cancel(ev("/w/a", "IN_DELETE"));
    await h.release();
    expect(h.runs.length).toBe(1);
  });

  test("singlejob: one job at a time for the whole scheduler", async () => {
    const h = harness({ singlejob: true }, true);
    h.s.schedule(ev("/w/a"));
    await settle();
    h.s.schedule(ev("/w/b"));
    expect(h.runs.map((r) => r.path)).toEqual(["/w/a"]);
    await h.release();
    expect(h.runs.map((r) => r.path)).toEqual(["/w/a", "/w/b"]);
    await h.release();
  });

  test("a job that throws is logged and the next one still runs", async () => {
    const clock = new FakeClock();
    let n = 0;
    const s = new TaskScheduler({
      job: () => {
        n++;
        throw new Error("boom");
      },
    });
    s.attach(clock);
    s.schedule(ev("/w/a"));
    s.schedule(ev("/w/b"));
    await settle();
    expect(n).toBe(2);
  });

  test(
    "shutdown: delayed tasks run now (policy run) " + "or are dropped (policy drop), never started and killed",
    async () => {
      const run = harness({ delay: 60 });
      run.s.schedule(ev("/w/a"));
      expect(await run.s.shutdown(1000, "run")).toBe(0);
      expect(run.runs.length).toBe(1);
      const drop = harness({ delay: 60 });
      drop.s.schedule(ev("/w/a"));
      expect(await drop.s.shutdown(1000, "drop")).toBe(0);
      expect(drop.runs.length).toBe(0);
      drop.s.schedule(ev("/w/b")); // paused: nothing new
      await drop.clock.advance(120_000);
      expect(drop.runs.length).toBe(0);
    },
  );

  test(
    "shutdown timeout: a job function still running is named in the log " + "(path, task id), not silently abandoned",
    async () => {
      const { setFormat, setReporter } = await import("../../../src/log.ts");
      const lines: string[] = [];
      setReporter({ log: (o) => void lines.push(o.args.join(" ")) });
      try {
        const h = harness({}, true);
        h.s.schedule(ev("/w/a"));
        await settle();
        expect(await h.s.shutdown(10, "run")).toBe(1);
        expect(lines.join("\n")).toMatch(
          new RegExp(
            "shutdown: task left running \\(a job function cannot be stopped\\), " +
              `mask=IN_CLOSE_WRITE, path=/w/a, task_id=${h.runs[0]!.id}`,
          ),
        );
        await h.release();
      } finally {
        setFormat("text");
      }
    },
  );

  test("Cancel is an event-map value that names its scheduler", () => {
    const { s } = harness();
    expect(new Cancel(s).scheduler).toBe(s);
  });
});
