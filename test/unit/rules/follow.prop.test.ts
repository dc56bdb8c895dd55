// Generated variants of item 9 ("tasks follow renames"): random sequences of writes,
// renames of files and of directories (within the tree, in, out, onto existing paths),
// deletes, cancels, time passing and held jobs finishing, through the daemon on the fake
// filesystem. A model tracks which file (by identity) is armed. Invariants:
// - a job starts only on a path that holds a file in the tree, and only once per arming
//   of that file (re-arms merge; a cancel, a delete or leaving the tree disarms);
// - the job's event is one its event map asked for (never a move the daemon took for
//   itself);
// - (not singlejob) once everything settles, no file in the tree is left armed, and no
//   task is left over.

import { afterEach, expect, test } from "bun:test";
import { fsEvent } from "../../../src/events/index.ts";
import { Cancel, TaskScheduler, type JobEvent } from "../../../src/rules/scheduler.ts";
import { settle } from "../../fakes/clock.ts";
import { assertProperty, fc } from "../../helpers/prop.ts";
import { restoreLog, rulesRig } from "./rig.ts";

afterEach(restoreLog);

const DIRS = ["a", "b", "a/a", "a/b", "b/a"];
const FILES = ["", ...DIRS].flatMap((d) => ["x", "y"].map((f) => (d ? `${d}/${f}` : f)));
const PATHS = ["w", "out"].flatMap((r) => [...DIRS, ...FILES].map((p) => `/${r}/${p}`));
const DELAY_S = 10;

type Op =
  // p, q: indices, taken modulo the paths there are when the operation runs
  | { op: "write" | "rm" | "cancel" | "mkdir"; p: number }
  | { op: "rename"; p: number; q: number }
  | { op: "advance"; ms: number }
  | { op: "release" };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant("write" as const), p: fc.nat(1000) }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant("rename" as const), p: fc.nat(1000), q: fc.nat(1000) }) },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constantFrom("rm" as const, "cancel" as const, "mkdir" as const), p: fc.nat(1000) }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("advance" as const), ms: fc.integer({ min: 0, max: 12_000 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("release" as const) }) },
);

const variantArb = fc.record({
  moveTo: fc.boolean(), // IN_MOVED_TO is in the map too
  cancels: fc.boolean(), // Cancel on IN_MOVED_FROM and IN_DELETE, as the example config
  hold: fc.boolean(), // jobs run until the sequence releases them
  singlejob: fc.boolean(),
  delay: fc.constantFrom(0, DELAY_S),
});

test("a pending task runs once per arming, where its file is at run time, or not at all", async () => {
  await assertProperty(
    fc.asyncProperty(variantArb, fc.array(opArb, { minLength: 4, maxLength: 40, size: "max" }), async (v, ops) => {
      const armed = new Map<string, boolean>();
      const problems: string[] = [];
      const trace: string[] = []; // what each operation did, for a failure's report
      const allowed = new Set(["IN_CLOSE_WRITE", ...(v.moveTo ? ["IN_MOVED_TO"] : [])]);
      let fs!: Awaited<ReturnType<typeof rulesRig>>["fs"];
      const held: (() => void)[] = [];
      const sched = new TaskScheduler({
        delay: v.delay,
        singlejob: v.singlejob,
        job: async (e: JobEvent) => {
          const id = fs.entries.get(e.pathname);
          if (!allowed.has(e.maskname)) problems.push(`job got ${e.maskname} for ${e.pathname}`);
          if (id === undefined || id === "dir" || !e.pathname.startsWith("/w/"))
            problems.push(`ran on ${e.pathname}, which holds ${id ?? "nothing"}`);
          else if (!armed.get(id)) problems.push(`ran twice for one arming: ${id} at ${e.pathname}`);
          else armed.set(id, false);
          trace.push(`  job ${e.maskname} ${e.pathname} (${id})`);
          if (v.hold) await new Promise<void>((r) => held.push(r));
        },
      });
      const map = {
        IN_CLOSE_WRITE: sched,
        IN_MODIFY: new Cancel(sched),
        ...(v.moveTo ? { IN_MOVED_TO: sched } : {}),
        ...(v.cancels ? { IN_MOVED_FROM: new Cancel(sched), IN_DELETE: new Cancel(sched) } : {}),
      };
      const rig = await rulesRig({ map: () => map, scheduler: sched });
      fs = rig.fs;
      let next = 0;
      for (const o of ops) {
        await apply(o);
        await settle();
      }
      for (let i = 0; i < 100 && (held.length || rig.sched.counts.delayed || rig.sched.counts.running); i++) {
        while (held.length) held.shift()!();
        await rig.clock.advance(DELAY_S * 1000);
      }
      const leftArmed = v.singlejob
        ? []
        : [...fs.entries].filter(([p, id]) => p.startsWith("/w/") && id !== "dir" && armed.get(id)).map(([p]) => p);
      const detail =
        `${JSON.stringify(v)}\n${problems.join("\n")}\narmed, never run: ${leftArmed.join(", ")}\n` +
        `trace:\n${trace.join("\n")}\nlog:\n${rig.logs.join("\n")}`;
      expect({
        problems,
        leftArmed,
        counts: rig.sched.counts,
        detail: problems.length || leftArmed.length ? detail : "",
      }).toEqual({ problems: [], leftArmed: [], counts: { delayed: 0, running: 0 }, detail: "" });

      async function apply(o: Op): Promise<void> {
        if (o.op === "advance") return (trace.push(`advance ${o.ms}`), rig.clock.advance(o.ms));
        if (o.op === "release") return (trace.push("release"), void held.shift()?.());
        if (o.op === "write" || o.op === "mkdir") {
          const p = PATHS[o.p % PATHS.length]!;
          const kind = fs.entries.get(p);
          if (!canHold(p) || kind === "dir") return;
          if (o.op === "mkdir") return void (kind === undefined && fs.mkdirp(p));
          if (!fs.isDir(parent(p))) fs.mkdirp(parent(p));
          const id = kind ?? `f${next++}`;
          armed.set(id, p.startsWith("/w/")); // IN_CLOSE_WRITE arms it (a new file or a re-write)
          trace.push(`write ${p} (${id})`);
          return fs.write(p, id);
        }
        // The rest act on what exists: pick among the entries now.
        const existing = [...fs.entries.keys()].filter((e) => e.split("/").length > 2).sort();
        if (existing.length === 0) return;
        const p = existing[o.p % existing.length]!;
        const kind = fs.entries.get(p)!;
        if (o.op === "cancel") {
          if (kind === "dir" || !p.startsWith("/w/")) return;
          armed.set(kind, false);
          trace.push(`cancel ${p} (${kind})`);
          return rig.inject(fsEvent("IN_MODIFY", p, false, "/w"));
        }
        if (o.op === "rm") {
          for (const [q, id] of fs.entries)
            if ((q === p || q.startsWith(`${p}/`)) && id !== "dir") armed.set(id, false);
          trace.push(`rm ${p}`);
          return fs.rm(p);
        }
        if (o.op !== "rename") return;
        const targets = [...new Set([...PATHS, ...existing])].filter((q) => fs.isDir(parent(q))).sort();
        rename(p, targets[o.q % targets.length]!, kind);
      }

      /** No file stands where a directory above `p` would be. */
      function canHold(p: string): boolean {
        for (let d = parent(p); d.length > 0; d = parent(d)) if (fs.entries.has(d) && !fs.isDir(d)) return false;
        return true;
      }

      /** A valid rename(2) only, with the model updated first (jobs may run inside it). */
      function rename(p: string, q: string, kind: string): void {
        const dst = fs.entries.get(q);
        if (p === q || q.startsWith(`${p}/`) || !fs.isDir(parent(q))) return;
        if (kind === "dir" ? dst !== undefined && (dst !== "dir" || fs.below(q).length > 0) : dst === "dir") return;
        if (dst !== undefined && dst !== "dir") armed.set(dst, false); // replaced
        const fromIn = p.startsWith("/w/");
        const toIn = q.startsWith("/w/");
        for (const [path, id] of fs.entries) {
          if (id === "dir" || !(path === p || path.startsWith(`${p}/`))) continue;
          if (!toIn) armed.set(id, false);
          else if (!fromIn)
            armed.set(id, kind === "dir" || v.moveTo); // a directory moved in is scanned: synthetic IN_CLOSE_WRITE
          else if (kind !== "dir" && v.moveTo) armed.set(id, true);
        }
        trace.push(`rename ${p} ${q}`);
        fs.rename(p, q);
      }
    }),
    200,
  );
}, 120_000);

function parent(p: string): string {
  return p.slice(0, p.lastIndexOf("/"));
}
