// Generated operations on a directory tree, for the property tests: mkdir -p, writes,
// renames of files and directories inside the tree (over an empty directory or a file
// too), moves in from outside and out to it, deletes (whole directories too), symlinks to
// files and directories (or to nothing), with names that collide on purpose (a name
// reused right after a rename is the interesting case) and names with spaces, newlines
// and bytes that are not UTF-8.
//
// An operation names what it acts on by position among the entries on disk when it runs
// (`src`: the n-th entry; `under`: the n-th directory, the root included), so most
// operations meet something that exists. One the filesystem refuses (a rename into
// itself, over a non-empty directory …) is skipped: the invariant compares with the disk
// as it ends up. `applyOp` says what it did, for failure reports.

import { lstatSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { decodePath, joinPath } from "../../../src/events/index.ts";
import { fsPath } from "../../../src/watch/scan.ts";
import { fc } from "../../helpers/prop.ts";
import { diskPaths } from "../../contracts/path-model.ts";

/** Under the n-th directory (root first, then sorted), the names in turn. */
export interface Dest {
  under: number;
  names: string[];
}

export type TreeOp =
  | { op: "mkdir"; at: Dest }
  | { op: "write"; at: Dest }
  | { op: "rename"; src: number; to: Dest }
  | { op: "moveIn"; to: Dest; shape: "file" | "dir" | "tree" }
  | { op: "moveOut"; src: number }
  | { op: "rm"; src: number }
  | { op: "symlink"; at: Dest; src: number; absolute: boolean }
  | { op: "yield" };

/** A few names on purpose, so that operations meet: a space, a newline, Latin-1 bytes. */
const COMMON = ["a", "b", "c d", "n\nl", decodePath(Uint8Array.from([0x63, 0x61, 0x66, 0xe9])), "\u00e9t\u00e9"];

const rawName = fc
  .uint8Array({ minLength: 1, maxLength: 6 })
  .filter((b) => !b.includes(0) && !b.includes(0x2f))
  .map((b) => decodePath(b))
  .filter((n) => n !== "." && n !== ".." && !n.startsWith(".seedwatch"));

const name = fc.oneof({ arbitrary: fc.constantFrom(...COMMON), weight: 10 }, { arbitrary: rawName, weight: 1 });
const index = fc.nat({ max: 1000 });
const dest = fc.record({ under: index, names: fc.array(name, { minLength: 1, maxLength: 2 }) });

const op = <T extends TreeOp["op"]>(o: T) => fc.constant(o);

export const treeOp: fc.Arbitrary<TreeOp> = fc.oneof(
  { arbitrary: fc.record({ op: op("mkdir"), at: dest }), weight: 4 },
  { arbitrary: fc.record({ op: op("write"), at: dest }), weight: 3 },
  { arbitrary: fc.record({ op: op("rename"), src: index, to: dest }), weight: 6 },
  {
    arbitrary: fc.record({
      op: op("moveIn"),
      to: dest,
      shape: fc.constantFrom("file" as const, "dir" as const, "tree" as const),
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ op: op("moveOut"), src: index }), weight: 1 },
  { arbitrary: fc.record({ op: op("rm"), src: index }), weight: 2 },
  { arbitrary: fc.record({ op: op("symlink"), at: dest, src: index, absolute: fc.boolean() }), weight: 1 },
  { arbitrary: fc.constant({ op: "yield" as const }), weight: 1 },
);

/** The tree before watching starts. */
export const initialOps = fc.array(
  fc.oneof(fc.record({ op: op("mkdir"), at: dest }), fc.record({ op: op("write"), at: dest })),
  { maxLength: 10 },
);

export const laterOps = fc.array(treeOp, { minLength: 1, maxLength: 40, size: "medium" });

/** Apply one operation below `root`; `outside` is a directory on the same filesystem. */
export function applyOp(o: TreeOp, root: string, outside: string, seq: number): string {
  if (o.op === "yield") return "yield";
  const entries = [...diskPaths(root)].sort();
  const dirs = [root, ...entries.filter(isDir)];
  const src = (n: number) => entries[n % Math.max(entries.length, 1)] ?? joinPath(root, "none");
  const at = (d: Dest) => d.names.reduce(joinPath, dirs[d.under % dirs.length]!);
  const p = (path: string) => fsPath(path) as string;
  const show = (path: string) => JSON.stringify(path.slice(root.length + 1));
  let did: string;
  try {
    switch (o.op) {
      case "mkdir":
        did = `mkdir -p ${show(at(o.at))}`;
        mkdirSync(p(at(o.at)), { recursive: true });
        break;
      case "write":
        did = `write ${show(at(o.at))}`;
        writeFileSync(p(at(o.at)), "x");
        break;
      case "rename":
        did = `mv ${show(src(o.src))} ${show(at(o.to))}`;
        renameSync(p(src(o.src)), p(at(o.to)));
        break;
      case "moveIn": {
        const from = joinPath(outside, `in-${seq}`);
        did = `move in a ${o.shape} as ${show(at(o.to))}`;
        if (o.shape === "file") writeFileSync(from, "x");
        else mkdirSync(o.shape === "tree" ? `${from}/s/t` : from, { recursive: true });
        if (o.shape === "tree") writeFileSync(`${from}/s/t/f`, "x");
        if (o.shape === "tree") writeFileSync(`${from}/g`, "x");
        renameSync(from, p(at(o.to)));
        break;
      }
      case "moveOut":
        did = `move out ${show(src(o.src))}`;
        renameSync(p(src(o.src)), joinPath(outside, `out-${seq}`));
        break;
      case "rm":
        did = `rm -r ${show(src(o.src))}`;
        rmSync(p(src(o.src)), { recursive: true, force: true });
        break;
      case "symlink": {
        const target = o.absolute ? src(o.src) : src(o.src).slice(root.length + 1);
        did = `ln -s ${JSON.stringify(target)} ${show(at(o.at))}`;
        symlinkSync(p(target), p(at(o.at)));
        break;
      }
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (!code) throw err;
    return `${did!} (${code})`;
  }
  return did;
}

// --- internal ---

function isDir(path: string): boolean {
  try {
    return lstatSync(fsPath(path) as string).isDirectory();
  } catch {
    return false;
  }
}
