// Random changes to a tree, for the Mirror's churn tests: creates, writes, renames of
// files and folders, moves in and out, deletes, chmod, symlinks, hard links, times, and
// folders renamed and made again under the old name (log rotation: paths reused). Ops
// pick their paths from what this model believes is there; one the disk refuses (the
// model went stale) is skipped. Names include bytes that are not UTF-8 and newlines.
// A file with two names is never written, touched or chmodded afterwards: inotify reports
// such a change for the name it was made through only, so no watcher can mirror the
// other name (README, Mirror: hard links).

import {
  appendFileSync,
  chmodSync,
  linkSync,
  mkdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { fsPath } from "../../../src/fs/path.ts";

export const OPS = [
  "create",
  "write",
  "rename",
  "mkdir",
  "moveDir",
  "moveOut",
  "moveIn",
  "delete",
  "rmdir",
  "chmod",
  "symlink",
  "link",
  "touch",
  "rotate",
] as const;
export type Op = (typeof OPS)[number];

const NAMES = ["a", "b", "c", "new\nline", "caf\udce9", "it's", "x y", "d"];

export class Churn {
  private files: string[] = [];
  private readonly linked = new Set<string>();
  private dirs: string[] = [""];
  private n = 0;
  done = 0;

  constructor(
    private readonly src: string,
    private readonly outside: string,
    private readonly pick: (n: number) => number,
  ) {
    mkdirSync(outside, { recursive: true });
  }

  /** One op; false if the disk refused it. */
  apply(op: Op): boolean {
    try {
      this.run(op);
      this.done++;
      return true;
    } catch {
      return false;
    }
  }

  // --- internal ---

  private run(op: Op): void {
    const p = (rel: string) => fsPath(rel === "" ? this.src : `${this.src}/${rel}`);
    const dir = this.any(this.dirs);
    const fresh = () => `${dir ? `${dir}/` : ""}${NAMES[this.pick(NAMES.length)]}${this.n++}`;
    switch (op) {
      case "create": {
        const f = fresh();
        writeFileSync(p(f), "x".repeat(this.pick(3) === 0 ? 100_000 : this.pick(2000)));
        return void this.files.push(f);
      }
      case "write":
        return appendFileSync(p(this.any(this.single())), "more");
      case "rename": {
        const [f, to] = [this.any(this.files), fresh()];
        renameSync(p(f), p(to));
        return this.replace(this.files, f, to);
      }
      case "mkdir": {
        const d = `${fresh()}/${NAMES[this.pick(NAMES.length)]}`;
        mkdirSync(p(d), { recursive: true });
        return void this.dirs.push(d.slice(0, d.lastIndexOf("/")), d);
      }
      case "moveDir": {
        const d = this.any(this.dirs.filter(Boolean));
        const to = fresh();
        if (to.startsWith(`${d}/`)) return;
        renameSync(p(d), p(to));
        return this.renamed(d, to);
      }
      case "moveOut": {
        const d = this.any([...this.dirs.filter(Boolean), ...this.files]);
        renameSync(p(d), fsPath(`${this.outside}/o${this.n++}`));
        return this.gone(d);
      }
      case "moveIn": {
        const o = `${this.outside}/in${this.n++}`;
        mkdirSync(fsPath(`${o}/sub`), { recursive: true });
        writeFileSync(fsPath(`${o}/sub/f`), "moved in");
        const to = fresh();
        renameSync(fsPath(o), p(to));
        this.dirs.push(to, `${to}/sub`);
        return void this.files.push(`${to}/sub/f`);
      }
      case "delete": {
        const f = this.any(this.files);
        rmSync(p(f));
        return this.gone(f);
      }
      case "rmdir": {
        const d = this.any(this.dirs.filter(Boolean));
        rmSync(p(d), { recursive: true });
        return this.gone(d);
      }
      case "chmod":
        return chmodSync(
          p(this.any([...this.single(), ...this.dirs.filter(Boolean)])),
          [0o600, 0o644, 0o755, 0o700][this.pick(4)]!,
        );
      case "symlink":
        return symlinkSync(["../..", "a0", "/etc/passwd", "nowhere"][this.pick(4)]!, p(fresh()));
      case "link": {
        const [f, to] = [this.any(this.files), fresh()];
        linkSync(p(f), p(to));
        this.linked.add(f).add(to);
        return void this.files.push(to);
      }
      case "rotate": {
        // log rotation: a folder renamed, and one made again under its old name at once
        const d = this.any(this.dirs.filter(Boolean));
        const to = fresh();
        if (to.startsWith(`${d}/`)) return;
        renameSync(p(d), p(to));
        this.renamed(d, to);
        mkdirSync(p(d));
        const f = `${d}/${NAMES[this.pick(NAMES.length)]}${this.n++}`;
        writeFileSync(p(f), "after the rotation");
        this.dirs.push(d);
        return void this.files.push(f);
      }
      case "touch":
        return utimesSync(p(this.any(this.single())), 1_600_000_000 + this.pick(1000), 1_600_000_000 + this.pick(1000));
    }
  }

  /** Files with one name. */
  private single(): string[] {
    return this.files.filter((f) => !this.linked.has(f));
  }

  private any(list: string[]): string {
    if (list.length === 0) throw new Error("nothing to pick");
    return list[this.pick(list.length)]!;
  }

  private replace(list: string[], a: string, b: string): void {
    const i = list.indexOf(a);
    if (i >= 0) list[i] = b;
    if (this.linked.delete(a)) this.linked.add(b);
  }

  private renamed(from: string, to: string): void {
    const move = (x: string) => (x === from || x.startsWith(`${from}/`) ? to + x.slice(from.length) : x);
    this.dirs = this.dirs.map(move);
    this.files = this.files.map(move);
    for (const l of [...this.linked]) if (move(l) !== l) this.linked.delete(l) && this.linked.add(move(l));
  }

  private gone(path: string): void {
    const keep = (x: string) => x !== path && !x.startsWith(`${path}/`);
    this.dirs = this.dirs.filter(keep);
    this.files = this.files.filter(keep);
  }
}
