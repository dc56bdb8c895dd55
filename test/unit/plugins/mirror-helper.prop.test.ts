// A Mirror's long walks share sub-trees with a second thread (walk-helper.ts). Whatever the
// trees on both sides, the walk with a helper from the first entry on must leave exactly
// what the one-thread walk leaves, and both must converge: rsync -a -n -i --delete sees
// nothing left to do (excluded paths aside). Real files, a real Worker, real rsync.

import { describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeExcludes } from "../../../src/plugins/mirror/exclude.ts";
import { LocalReplica } from "../../../src/plugins/mirror/local.ts";
import type { WalkControl } from "../../../src/plugins/mirror/replica.ts";
import { assertProperty, fc } from "../../helpers/prop.ts";
import { tempDir } from "../../helpers/tmp.ts";

const HAVE_RSYNC = Bun.which("rsync") !== null;
const EXCLUDE = ["*.tmp", /(^|\/)skip[^/]*$/];
const RSYNC_EXCLUDE = ["--exclude=*.tmp", "--exclude=skip*"];

type Node =
  | { kind: "file"; size: number; mode: number; age: number }
  | { kind: "link"; target: string }
  | { kind: "dir"; mode: number; age: number; entries: [string, Node][] };

const name = fc.constantFrom("a", "b", "c", "d e", "é", "skip", "x.tmp", "\u{1F600}", "n\nl");
const leaf: fc.Arbitrary<Node> = fc.oneof(
  fc.record({
    kind: fc.constant("file" as const),
    size: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5000 })),
    mode: fc.constantFrom(0o600, 0o644, 0o755),
    age: fc.integer({ min: 0, max: 3 }),
  }),
  fc.record({ kind: fc.constant("link" as const), target: fc.constantFrom("a", "../b", "/nowhere", "c/d") }),
);
const tree: fc.Arbitrary<Node> = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.record({
      kind: fc.constant("dir" as const),
      mode: fc.constantFrom(0o700, 0o755),
      age: fc.integer({ min: 0, max: 3 }),
      entries: fc.uniqueArray(fc.tuple(name, tie("node")), { maxLength: 5, selector: ([n]) => n }),
    }),
  ),
})).node;
const top = fc.uniqueArray(fc.tuple(name, tree), { maxLength: 6, selector: ([n]) => n });

function write(dir: string, entries: [string, Node][]): void {
  mkdirSync(dir, { recursive: true });
  for (const [n, node] of entries) {
    const p = join(dir, n);
    if (node.kind === "file") {
      writeFileSync(p, Buffer.alloc(node.size, n));
      chmodSync(p, node.mode);
      utimesSync(p, 1_700_000_000 + node.age, 1_700_000_000 + node.age);
    } else if (node.kind === "link") symlinkSync(node.target, p);
    else {
      write(p, node.entries);
      chmodSync(p, node.mode);
      utimesSync(p, 1_700_000_000 + node.age, 1_700_000_000 + node.age);
    }
  }
}

function control(): WalkControl & { failures: string[] } {
  const failures: string[] = [];
  return {
    failures,
    stopped: () => false,
    breathe: () => new Promise((r) => setImmediate(r)),
    busy: () => {},
    missing: (p) => failures.push(`missing ${p}`),
    failed: (p, e) => failures.push(`failed ${p}: ${e.message}`),
  };
}

async function mirror(src: string, dst: string, helper: number | false) {
  const warnings: string[] = [];
  const r = new LocalReplica({
    source: src,
    destination: dst,
    delete: true,
    owner: false,
    excludes: makeExcludes(EXCLUDE),
    helper,
    warn: (m) => warnings.push(m),
  });
  await r.prepare();
  const ctl = control();
  await r.reconcile("", ctl);
  return { tally: r.tally, failures: ctl.failures, warnings };
}

function rsyncLeft(src: string, dst: string, extra: string[] = RSYNC_EXCLUDE): string {
  const r = Bun.spawnSync(["rsync", "-a", "-n", "-i", "--delete", ...extra, `${src}/`, `${dst}/`]);
  return r.exitCode === 0 ? r.stdout.toString() : `rsync exit ${r.exitCode}: ${r.stderr}`;
}

describe.skipIf(!HAVE_RSYNC)("a Mirror walk with a helper thread", () => {
  test("leaves what the one-thread walk leaves, converged, whatever both sides hold", async () => {
    await assertProperty(
      fc.asyncProperty(top, top, async (source, before) => {
        using dir = tempDir("mhelper");
        const src = dir.join("src");
        write(src, source);
        write(dir.join("one"), before);
        expect(Bun.spawnSync(["cp", "-a", dir.join("one"), dir.join("two")]).exitCode).toBe(0); // times and all
        const alone = await mirror(src, dir.join("one"), false);
        const shared = await mirror(src, dir.join("two"), 1);
        expect(shared.failures).toEqual([]);
        expect(alone.failures).toEqual([]);
        expect(rsyncLeft(src, dir.join("two"))).toBe("");
        expect(rsyncLeft(dir.join("one"), dir.join("two"), [])).toBe("");
        expect(shared.tally).toEqual(alone.tally);
      }),
      12,
    );
  }, 120_000);

  test("a large tree is shared, and what only the helper met is said on this thread", async () => {
    using dir = tempDir("mhelper");
    const src = dir.join("src");
    for (let d = 0; d < 40; d++) {
      mkdirSync(join(src, `d${d}`, "sub"), { recursive: true });
      for (let f = 0; f < 60; f++) writeFileSync(join(src, `d${d}`, "sub", `f${f}`), `${d}/${f}`);
      // one in every folder: both threads meet some, and it is said once
      expect(Bun.spawnSync(["mkfifo", join(src, `d${d}`, "pipe")]).exitCode).toBe(0);
    }
    mkdirSync(dir.join("dst"));
    const r = await mirror(src, dir.join("dst"), 100);
    expect(r.failures).toEqual([]);
    expect(r.tally.copied).toBe(40 * 60);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/\/d\d+\/pipe: not a file, folder or symlink; such entries are not mirrored$/);
    expect(rsyncLeft(src, dir.join("dst"), ["--no-specials", "-q"])).toBe("");
  });
});
