// Removing the data of an erased torrent, safely. A plan is made first (pure, given the
// index), then carried out, so `-n` prints exactly what a real run would do.
// A file is removed only when
//   - it lies under the torrent's own base directory, and under one of PATHS if given;
//   - no other torrent in the index uses it: the same path, or the same (dev, inode) of
//     the data (hard links, symlinked cross-seeds);
//   - it is a regular file or a symlink (never a directory we did not create).
// Directories left empty are pruned upwards, never above the torrent's top directory
// (a multi-file torrent's own folder) and never a PATHS root.

import { copyFileSync, lstatSync, mkdirSync, readdirSync, renameSync, rmdirSync, unlinkSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fsPath } from "../watch/scan.ts";
import { identity, type SessionStore } from "./store.ts";

export interface RemovalPlan {
  hash: string;
  remove: string[];
  keep: { path: string; reason: string }[];
  /** The highest directory pruning may reach (inclusive). */
  top: string | undefined;
}

export interface RemovalOptions {
  /** PATHS: removal is limited to these roots when any are given. */
  roots: string[];
  dryRun: boolean;
  /** Move into this directory instead of deleting (keeping the path below the base). */
  trash?: string;
}

export interface RemovalResult {
  removed: string[];
  failed: { path: string; error: string }[];
  pruned: string[];
}

export function planRemoval(store: SessionStore, hash: string, base: string, multiFile: boolean, roots: string[]): RemovalPlan {
  const plan: RemovalPlan = { hash, remove: [], keep: [], top: multiFile ? base : undefined };
  for (const f of store.files(hash)) {
    const reason = keepReason(store, hash, f.path, base, roots);
    if (reason) plan.keep.push({ path: f.path, reason });
    else plan.remove.push(f.path);
  }
  return plan;
}

export function carryOut(plan: RemovalPlan, base: string, opts: RemovalOptions, say: (line: string) => void): RemovalResult {
  const result: RemovalResult = { removed: [], failed: [], pruned: [] };
  const verb = opts.dryRun ? "would " : "";
  for (const k of plan.keep) say(`${verb}keep ${JSON.stringify(k.path)}: ${k.reason}`);
  for (const path of plan.remove) {
    const where = opts.trash ? ` to ${JSON.stringify(join(opts.trash, relative(dirname(base), path)))}` : "";
    say(`${verb}${opts.trash ? "move" : "remove"} ${JSON.stringify(path)}${where}`);
    if (opts.dryRun) {
      result.removed.push(path);
      continue;
    }
    try {
      if (opts.trash) toTrash(path, join(opts.trash, relative(dirname(base), path)));
      else unlinkSync(fsPath(path));
      result.removed.push(path);
    } catch (err) {
      result.failed.push({ path, error: (err as Error).message });
      say(`could not remove ${JSON.stringify(path)}: ${(err as Error).message}`);
    }
  }
  if (plan.top) result.pruned = prune(result.removed, plan.top, opts.roots, opts.dryRun);
  for (const d of result.pruned) say(`${opts.dryRun ? "would remove" : "removed"} empty directory ${JSON.stringify(d)}`);
  return result;
}

// --- internal ---

function keepReason(store: SessionStore, hash: string, path: string, base: string, roots: string[]): string | undefined {
  if (!within(path, base)) return `outside the torrent's directory ${JSON.stringify(base)}`;
  if (roots.length > 0 && !roots.some((r) => within(path, r))) return "outside the PATHS given";
  let st;
  try {
    st = lstatSync(fsPath(path));
  } catch {
    return "not on disk";
  }
  if (st.isDirectory()) return "a directory, not a file";
  const owner = store.otherOwner(hash, path, identity(path));
  if (owner) {
    const t = store.get(owner);
    return `also used by ${owner}${t ? ` (${t.name})` : ""}`;
  }
  return undefined;
}

/** `path` is `dir` or below it, compared by whole path elements. */
export function within(path: string, dir: string): boolean {
  const d = dir.endsWith("/") ? dir : `${dir}/`;
  return path === dir || path.startsWith(d);
}

/** Directories left empty, deepest first; with `dryRun`, what would be left empty. */
function prune(removed: string[], top: string, roots: string[], dryRun: boolean): string[] {
  const pruned: string[] = [];
  const gone = new Set(removed);
  const isEmpty = (dir: string) => readdirSync(fsPath(dir)).every((n) => gone.has(`${dir}/${n}`));
  const dirs = new Set(removed.map((p) => dirname(p)));
  for (let dir of [...dirs].sort((a, b) => b.length - a.length)) {
    while (within(dir, top) && !roots.includes(dir) && !gone.has(dir)) {
      try {
        if (!isEmpty(dir)) break;
        if (!dryRun) rmdirSync(fsPath(dir));
      } catch {
        break;
      }
      pruned.push(dir);
      gone.add(dir);
      if (dir === top) break;
      dir = dirname(dir);
    }
  }
  return pruned;
}

function toTrash(from: string, to: string): void {
  mkdirSync(fsPath(dirname(to)), { recursive: true });
  try {
    renameSync(fsPath(from), fsPath(to));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EXDEV") throw err;
    copyFileSync(fsPath(from), fsPath(to));
    unlinkSync(fsPath(from));
  }
}
