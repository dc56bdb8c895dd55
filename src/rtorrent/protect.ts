// Protection: what removal must keep, decided when it is about to delete, from what is
// on disk at that moment — never from inodes or paths recorded earlier.
//
// Theory of operation
// - The guarded torrents are every torrent in the session now (live). For each, its data
//   paths (and their alternates) are looked at now: the path itself, the path with its
//   folder resolved (symlinked directories, ".."), and the (dev, inode) the path leads to
//   (following symlinks). A candidate is kept when any of these meets it: the same path,
//   the same resolved path, a hard link of the same inode, or a live symlink to it.
// - A candidate that is itself a symlink is only a link: removing it harms no data, so it
//   is kept only when a live path is that very link, resolves through it (a symlinked
//   folder, or one hop of a chain of links), or reaches its target through a link.
// - A torrent whose session files cannot be read protects what it could own. With its
//   directory known (its .rtorrent was read): everything below it, and whatever a symlink
//   there leads to. Without (its .rtorrent is unreadable or missing, or nothing is
//   readable): its files could be anywhere, and through a symlink lead to any file, so
//   nothing is deleted at all until it can be read again.
// - Pruning keeps every folder a live torrent's data lies in, even when it is empty now
//   (a torrent not yet downloaded).
// Building costs one lstat per live path (a stat more for a symlink) and one realpath per
// live folder; it is built once per removal round, and only when a question needs more
// than the live paths themselves (a candidate that is not one).

import { lstatSync, readdirSync, statSync, type Stats } from "node:fs";
import { linksOnPath, resolved, resolvedEntry, within } from "../fs/confined.ts";
import { fsPath } from "../fs/path.ts";
import { decodePath, joinPath, parentPath as dirname } from "../events/index.ts";
import type { DataHint } from "./session.ts";

export interface Guarded {
  hash: string;
  name: string;
  /** Exact data paths (files and alternates). */
  paths: string[];
  /** Where else its data could be (an uncertain or unreadable torrent). */
  hint?: DataHint;
  /** Set when its session files cannot be read: why, and what would unblock it. */
  unreadable?: { reason: string; unblock: string };
}

/** Why a file is kept, and the torrent that keeps it. */
export interface Keep {
  reason: string;
  by?: Guarded;
}

export class Protection {
  /** An unreadable torrent whose data could be anywhere: no file may be deleted. */
  readonly blockAll: Guarded | undefined;
  private readonly byPath = new Map<string, Guarded>();
  /** Symlinks a live path is resolved through (removing one would break it). */
  private readonly links = new Map<string, Guarded>();
  private readonly byId = new Map<string, Guarded>();
  private readonly viaLink = new Map<string, Guarded>();
  private readonly folders = new Map<string, Guarded>();
  private readonly prefixes: { dir: string; g: Guarded }[] = [];
  private readonly tails: { tail: string; g: Guarded }[] = [];
  private readonly realFolders = new Map<string, string | undefined>();

  /** Live paths whose disk state (folder resolved, inode, links) is not looked at yet. */
  private pending: { path: string; g: Guarded }[] | undefined = [];

  constructor(guarded: Iterable<Guarded>) {
    let blockAll: Guarded | undefined;
    for (const g of guarded) {
      for (const p of g.paths) {
        this.byPath.set(p, g);
        this.pending!.push({ path: p, g });
      }
      for (const d of g.hint?.directory === undefined ? [] : [g.hint.directory]) {
        for (const dir of [d, resolved(d)]) if (dir !== undefined) this.prefixes.push({ dir, g });
        this.addFolders(d, g);
      }
      for (const tail of g.hint?.tails ?? []) this.tails.push({ tail, g });
      if (g.unreadable && g.hint?.directory === undefined)
        blockAll ??= g; // its data could be anywhere
      else if (g.unreadable) this.guardLinksBelow(g.hint!.directory!, g);
    }
    this.blockAll = blockAll;
  }

  /** Why `path` must be kept, or undefined when no torrent in the session can need it. */
  keepReason(path: string): string | undefined {
    return this.keep(path)?.reason;
  }

  /**
   * Why `path` must be kept and by whom (undefined: no torrent in the session can need
   * it). `by` is unset when nothing in the session keeps it (it is not on disk, or a
   * directory).
   */
  keep(path: string): Keep | undefined {
    if (this.blockAll) return kept(this.blockAll, "nothing is known of its data");
    // A live path itself is kept whatever is there now; no system call needed (a walk of
    // PATHS meets mostly these).
    const exact = this.byPath.get(path);
    if (exact) return kept(exact, "the same path");
    this.lookAtDisk();
    const lst = lstatOrNone(path);
    if (!lst) return { reason: "not on disk" };
    if (lst.isDirectory()) return { reason: "a directory, not a file" };
    const real = resolvedEntry(path);
    const same = real === undefined ? undefined : this.byPath.get(real);
    if (same) return kept(same, "the same path");
    const through = this.links.get(path) ?? (real === undefined ? undefined : this.links.get(real));
    if (through) return kept(through, "its data path runs through this symlink");
    const sameData = this.byId.get(id(lst));
    if (sameData) return kept(sameData, "the same data (a hard link, or a symlink to it)");
    if (lst.isSymbolicLink()) {
      const target = statOrNone(path);
      const linked = target && this.viaLink.get(id(target));
      if (linked) return kept(linked, "it reaches the same data through a symlink");
      // A link to a folder may be the folder an unreadable torrent's data hangs from.
      const below = target?.isDirectory()
        ? this.tails.find((x) => lstatOrNone(path + x.tail) !== undefined)
        : undefined;
      if (below) return kept(below.g, `its data may be ${JSON.stringify(path + below.tail)}, through this link`);
    }
    for (const p of [path, real]) {
      if (p === undefined) continue;
      const inDir = this.prefixes.find((x) => within(p, x.dir));
      if (inDir) return kept(inDir.g, `its data may be anywhere below ${JSON.stringify(inDir.dir)}`);
      const tail = this.tails.find((x) => p.endsWith(x.tail));
      if (tail) return kept(tail.g, `its data may be any file whose path ends in ${JSON.stringify(tail.tail)}`);
    }
    return undefined;
  }

  /** Why folder `dir` must not be pruned: a live torrent's data lies in it or below. */
  folderReason(dir: string): string | undefined {
    this.lookAtDisk();
    const g = this.folders.get(dir) ?? this.folders.get(resolved(dir) ?? dir);
    if (g) return describe(g, "its data lies in this folder");
    const inDir = this.prefixes.find((x) => within(x.dir, dir) || within(dir, x.dir));
    return inDir ? describe(inDir.g, `its data may be anywhere below ${JSON.stringify(inDir.dir)}`) : undefined;
  }

  // --- internal ---

  /**
   * The disk state of every live path, looked at once, when the first question needs it:
   * a walk whose every file is a live path itself (the common --clean) never pays for it.
   */
  private lookAtDisk(): void {
    const todo = this.pending;
    if (todo === undefined) return;
    this.pending = undefined;
    for (const { path, g } of todo) this.guardPath(path, g);
  }

  private guardPath(path: string, g: Guarded): void {
    this.byPath.set(path, g);
    const folder = dirname(path);
    let real = this.realFolders.get(folder);
    if (!this.realFolders.has(folder)) this.realFolders.set(folder, (real = resolved(folder)));
    this.addFolders(folder, g);
    if (real === undefined) return; // its folder is not there (not downloaded, a disk not mounted): no file either
    this.byPath.set(joinPath(real, path.slice(folder.length + 1)), g);
    if (real !== folder) this.addFolders(real, g);
    const lst = lstatOrNone(path);
    if (!lst) return;
    if (lst.isSymbolicLink() || real !== folder) for (const link of linksOnPath(path)) this.links.set(link, g);
    if (!lst.isSymbolicLink()) return void this.byId.set(id(lst), g);
    const target = statOrNone(path);
    if (target) {
      this.byId.set(id(target), g);
      this.viaLink.set(id(target), g);
    }
  }

  /**
   * An unreadable torrent's files are somewhere below `dir`; any symlink there may be
   * one of them, so what each link leads to is protected too. Symlinked folders are
   * followed (each real folder once).
   */
  private guardLinksBelow(dir: string, g: Guarded): void {
    const seen = new Set<string>();
    const stack = [dir];
    while (stack.length > 0) {
      const d = stack.pop()!;
      const real = resolved(d);
      if (real === undefined || seen.has(real)) continue;
      seen.add(real);
      let names: Buffer[];
      try {
        names = readdirSync(fsPath(d), { encoding: "buffer" }) as unknown as Buffer[];
      } catch {
        continue;
      }
      for (const n of names) {
        const p = joinPath(d, decodePath(n));
        const lst = lstatOrNone(p);
        if (!lst) continue;
        if (lst.isDirectory()) stack.push(p);
        else if (lst.isSymbolicLink()) {
          const target = statOrNone(p);
          if (target?.isDirectory()) stack.push(p);
          else if (target) this.guardPath(p, g);
        }
      }
    }
  }

  /** `dir` and every folder above it hold `g`'s data. */
  private addFolders(dir: string, g: Guarded): void {
    for (let d = dir; !this.folders.has(d); d = dirname(d)) {
      this.folders.set(d, g);
      if (d === "/" || d === ".") break;
    }
  }
}

/** "also used by HASH (name): …" or, for an unreadable torrent, why and how to unblock. */
function describe(g: Guarded, what: string): string {
  const who = `${g.hash}${g.name ? ` (${g.name})` : ""}`;
  if (!g.unreadable) return `also used by ${who}: ${what}`;
  return (
    `may belong to ${who}, which is in the session but cannot be read (${g.unreadable.reason}): ` +
    `${what}; ${g.unreadable.unblock}`
  );
}

function kept(g: Guarded, what: string): Keep {
  return { reason: describe(g, what), by: g };
}

function id(st: Stats): string {
  return `${st.dev}:${st.ino}`;
}

function lstatOrNone(path: string): Stats | undefined {
  try {
    return lstatSync(fsPath(path));
  } catch {
    return undefined;
  }
}

function statOrNone(path: string): Stats | undefined {
  try {
    return statSync(fsPath(path), { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}
