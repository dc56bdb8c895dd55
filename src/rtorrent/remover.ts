// Removing the data of an erased torrent, safely. A plan is made first, then carried out,
// so `-n` prints exactly what a real run would do. A file is removed only when
//   - it resolves (symlinked folders, "..") below the torrent's own base directory, and
//     below one of PATHS when they are given — checked again, on the opened folder, at
//     the moment of deleting (fs/confined.ts);
//   - no torrent still in the session can need it, judged from the disk now
//     (protect.ts): same path, same inode, a symlink to it, or the unknown data of a
//     torrent whose session files cannot be read;
//   - it is a regular file or a symlink (never a directory we did not create).
// Folders left empty are pruned upwards, never above the torrent's top folder (a
// multi-file torrent's own folder), never a PATHS root, never a folder a live torrent's
// data lies in.

import { readdirSync } from "node:fs";
import { decodePath, joinPath, lastElement, parentPath as dirname, pathBelow } from "../events/index.ts";
import { moveWithin, resolved, resolvedEntry, rmdirWithin, unlinkWithin, within } from "../fs/confined.ts";
import { fsPath } from "../fs/path.ts";
import type { Protection } from "./protect.ts";

export interface RemovalPlan {
  hash: string;
  remove: string[];
  /** `uncertain`: kept only because a torrent that cannot be read now might own it. */
  keep: { path: string; reason: string; uncertain?: boolean }[];
  /** The highest folder pruning may reach (inclusive); undefined: no pruning. */
  top: string | undefined;
  /** Where deleting is allowed: PATHS, or the torrent's base when none are given. */
  roots: string[];
}

export interface RemovalOptions {
  dryRun: boolean;
  /** Move into this directory instead of deleting (keeping the path below the base's parent). */
  trash?: string;
  /** Paths of the trash are relative to this folder (the torrent's base's parent). */
  trashBase?: string;
}

export interface RemovalResult {
  removed: string[];
  failed: { path: string; error: string }[];
  pruned: string[];
}

/** Which of `files` (an erased torrent's) may go, given PATHS and what the session needs now. */
export function planRemoval(
  hash: string,
  files: string[],
  base: string,
  multiFile: boolean,
  roots: string[],
  protection: Protection,
): RemovalPlan {
  const allowed = roots.length > 0 ? roots : [base];
  const plan: RemovalPlan = { hash, remove: [], keep: [], top: multiFile ? base : undefined, roots: allowed };
  const realBase = resolved(base);
  for (const path of files) {
    const outside = confinement(path, realBase, allowed);
    const kept = outside === undefined ? protection.keep(path) : { reason: outside };
    if (!kept) plan.remove.push(path);
    else if (kept.by?.unreadable) plan.keep.push({ path, reason: kept.reason, uncertain: true });
    else plan.keep.push({ path, reason: kept.reason });
  }
  return plan;
}

export function carryOut(
  plan: RemovalPlan,
  opts: RemovalOptions,
  protection: Protection,
  say: (line: string) => void,
): RemovalResult {
  const result: RemovalResult = { removed: [], failed: [], pruned: [] };
  const verb = opts.dryRun ? "would " : "";
  for (const k of plan.keep) if (k.reason !== "not on disk") say(`${verb}keep ${JSON.stringify(k.path)}: ${k.reason}`);
  for (const path of plan.remove) {
    const to =
      opts.trash === undefined
        ? undefined
        : joinPath(opts.trash, pathBelow(opts.trashBase ?? "/", path) ?? lastElement(path));
    say(`${verb}${to ? "move" : "remove"} ${JSON.stringify(path)}${to ? ` to ${JSON.stringify(to)}` : ""}`);
    if (opts.dryRun) {
      result.removed.push(path);
      continue;
    }
    const acted = to ? moveWithin(path, to, plan.roots) : unlinkWithin(path, plan.roots);
    if (acted.ok) result.removed.push(path);
    else {
      result.failed.push({ path, error: acted.reason });
      say(`not removed ${JSON.stringify(path)}: ${acted.reason}`);
    }
  }
  if (plan.top) result.pruned = prune(result.removed, plan, protection, opts.dryRun);
  for (const d of result.pruned)
    say(`${opts.dryRun ? "would remove" : "removed"} empty directory ${JSON.stringify(d)}`);
  return result;
}

// --- internal ---

/** Why `path` is outside what may be deleted, judged on where it resolves now. */
function confinement(path: string, realBase: string | undefined, roots: string[]): string | undefined {
  const real = resolvedEntry(path);
  if (real === undefined) return "not on disk";
  if (realBase === undefined || !within(real, realBase) || real === realBase)
    return `outside the torrent's directory (it resolves to ${JSON.stringify(real)})`;
  const realRoots = roots.map(resolved).filter((r): r is string => r !== undefined);
  if (!realRoots.some((r) => real !== r && within(real, r)))
    return `outside the PATHS given (it resolves to ${JSON.stringify(real)})`;
  return undefined;
}

/** Folders left empty, deepest first; with `dryRun`, what would be left empty. */
function prune(removed: string[], plan: RemovalPlan, protection: Protection, dryRun: boolean): string[] {
  const top = resolved(plan.top!);
  const roots = new Set(plan.roots.map((r) => resolved(r) ?? r));
  if (top === undefined) return [];
  const gone = new Set(removed.map((p) => resolvedEntry(p) ?? p));
  const isEmpty = (dir: string) =>
    readdirSync(fsPath(dir), { encoding: "buffer" }).every((n) =>
      gone.has(joinPath(dir, decodePath(n as unknown as Buffer))),
    );
  const pruned: string[] = [];
  const dirs = new Set([...gone].map((p) => dirname(p)));
  for (let dir of [...dirs].sort((a, b) => b.length - a.length)) {
    while (within(dir, top) && !roots.has(dir) && !gone.has(dir)) {
      try {
        if (!isEmpty(dir) || protection.folderReason(dir)) break;
      } catch {
        break;
      }
      if (!dryRun && !rmdirWithin(dir, plan.roots).ok) break;
      pruned.push(dir);
      gone.add(dir);
      if (dir === top) break;
      dir = dirname(dir);
    }
  }
  return pruned;
}
