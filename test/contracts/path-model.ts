// PathModel: the set of paths a consumer knows of from the event stream alone, for the
// invariant "replaying the events reconstructs the tree on disk". Rules:
// - create (IN_CREATE, a move in, a synthetic create): add the path;
// - delete (IN_DELETE, a move out): remove the path and everything below it;
// - a move inside the root: rename the path and everything below it (the IN_MOVED_TO
//   half carries `from`); a move to or from another root counts as a delete or a create;
// - overflow: the model is stale; what arrives until `rescanned` (the rescan's synthetic
//   creates, and any real events) builds a fresh model that replaces it;
// - gone: the root is no more, nothing is known below it.
// Other events (writes, attributes, a directory's own IN_DELETE_SELF) change no path.
// `diskPaths` walks the tree with lstat (symlinks are entries, never followed).

import { readdirSync, lstatSync } from "node:fs";
import { decodePath, joinPath, type FsEvent } from "../../src/events/index.ts";
import { fsPath } from "../../src/watch/scan.ts";

interface Entry {
  /** Reported itself (not only a parent of something reported). */
  known: boolean;
  children: Map<string, Entry>;
}

const entry = (): Entry => ({ known: false, children: new Map() });

export class PathModel {
  private tree: Entry = entry();
  private fresh: Entry | undefined;

  constructor(readonly root: string) {}

  /** An overflow came and its rescan has not finished. */
  get stale(): boolean {
    return this.fresh !== undefined;
  }

  /** Every path the model holds. */
  get paths(): Set<string> {
    const out = new Set<string>();
    const walk = (e: Entry, path: string) => {
      for (const [name, c] of e.children) {
        const p = `${path}/${name}`;
        if (c.known) out.add(p);
        walk(c, p);
      }
    };
    walk(this.tree, this.root);
    return out;
  }

  readonly apply = (e: FsEvent): void => {
    if (e.root !== this.root) return;
    if (e.kind === "overflow") this.fresh = entry();
    else if (e.kind === "rescanned") {
      this.tree = this.fresh ?? this.tree;
      this.fresh = undefined;
    } else if (e.kind === "gone") this.target().children.clear();
    else if (e.path === this.root) return;
    else if (e.kind === "create") this.add(e.path);
    else if (e.kind === "delete") this.take(e.path);
    else if (e.kind === "move") this.move(e);
  };

  // --- internal ---

  private target(): Entry {
    return this.fresh ?? this.tree;
  }

  private move(e: FsEvent): void {
    if (e.names[0] === "IN_MOVED_FROM") {
      if (e.to !== undefined && !this.inside(e.to)) this.take(e.path);
      return;
    }
    const moved = e.from !== undefined && this.inside(e.from) ? this.take(e.from) : undefined;
    const dest = this.add(e.path);
    // A rename never lands on a non-empty directory, so what is below the destination
    // already came from a listing made after this move: keep both.
    if (moved) for (const [name, c] of moved.children) if (!dest.children.has(name)) dest.children.set(name, c);
  }

  /** Mark `path` reported; parents never reported stay unknown (and count as missing). */
  private add(path: string): Entry {
    let e = this.target();
    for (const name of this.parts(path)) {
      let c = e.children.get(name);
      if (!c) e.children.set(name, (c = entry()));
      e = c;
    }
    e.known = true;
    return e;
  }

  /** Remove `path` and everything below it; returns what was there. */
  private take(path: string): Entry | undefined {
    const parts = this.parts(path);
    let e: Entry | undefined = this.target();
    for (const name of parts.slice(0, -1)) if (!(e = e.children.get(name))) return undefined;
    const last = parts.at(-1)!;
    const found = e.children.get(last);
    e.children.delete(last);
    return found;
  }

  private parts(path: string): string[] {
    return path.slice(this.root.length + 1).split("/");
  }

  private inside(path: string): boolean {
    return path.startsWith(`${this.root}/`);
  }
}

/** Every path below `root` (not root itself), names decoded losslessly. */
export function diskPaths(root: string): Set<string> {
  const out = new Set<string>();
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    let names: Buffer[];
    try {
      names = readdirSync(fsPath(dir) as string, { encoding: "buffer" }) as Buffer[];
    } catch {
      continue;
    }
    for (const raw of names) {
      const p = joinPath(dir, decodePath(raw));
      out.add(p);
      try {
        if (lstatSync(fsPath(p) as string).isDirectory()) stack.push(p);
      } catch {
        // gone meanwhile
      }
    }
  }
  return out;
}

/** What differs between the model and the disk, for a failure message ("" when equal). */
export function pathDiff(model: Set<string>, disk: Set<string>, limit = 20): string {
  const missing = [...disk].filter((p) => !model.has(p)).sort();
  const extra = [...model].filter((p) => !disk.has(p)).sort();
  if (missing.length === 0 && extra.length === 0) return "";
  const show = (ps: string[]) =>
    ps
      .slice(0, limit)
      .map((p) => `    ${JSON.stringify(p)}`)
      .join("\n") + (ps.length > limit ? `\n    … ${ps.length - limit} more` : "");
  return [
    missing.length ? `  on disk, never reported (${missing.length}):\n${show(missing)}` : "",
    extra.length ? `  reported, not on disk (${extra.length}):\n${show(extra)}` : "",
  ]
    .filter(Boolean)
    .join("\n");
}
