// Modes and owners on what a rule produced (FileManagerRule's filemode, dirmode, user,
// group), and folders made with them. Paths are lossless strings (events/path.ts): they
// reach node:fs through fsPath(), and names read back through decodePath().

import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { decodePath, joinPath, parentPath } from "../events/path.ts";
import { fsPath } from "./path.ts";

export interface Modes {
  /** For folders. */
  dirmode?: number;
  /** For everything else but symlinks. */
  filemode?: number;
  /** A user name or uid. */
  user?: string | number;
  /** A group name or gid. */
  group?: string | number;
}

/** The modes and owner on `path` and, for a folder, on everything below it. Symlinks are left alone. */
export function applyModes(path: string, m: Modes): void {
  setModes(path, m, true);
}

/** mkdir -p `dir`, with the modes and owner on each folder it made (not on those that were there). */
export function makeFolders(dir: string, m: Modes): void {
  const made: string[] = [];
  for (let d = dir; !existsSync(fsPath(d)); d = parentPath(d)) made.push(d);
  mkdirSync(fsPath(dir), { recursive: true });
  for (const d of made) setModes(d, m, false);
}

/** A user or group name (or number) as its id, from /etc/passwd or /etc/group. */
export function ownerId(name: string | number, kind: "user" | "group"): number {
  if (typeof name === "number") return name;
  if (/^\d+$/.test(name)) return Number(name);
  const line = readFileSync(kind === "user" ? "/etc/passwd" : "/etc/group", "utf8")
    .split("\n")
    .find((l) => l.split(":")[0] === name);
  if (!line) throw new Error(`no such ${kind} '${name}'`);
  return Number(line.split(":")[2]);
}

// --- internal ---

function setModes(path: string, m: Modes, below: boolean): void {
  const uid = m.user === undefined ? -1 : ownerId(m.user, "user");
  const gid = m.group === undefined ? -1 : ownerId(m.group, "group");
  if (m.dirmode === undefined && m.filemode === undefined && uid === -1 && gid === -1) return;
  const walk = (p: string) => {
    const st = lstatSync(fsPath(p));
    if (st.isSymbolicLink()) return;
    const mode = st.isDirectory() ? m.dirmode : m.filemode;
    if (mode !== undefined) chmodSync(fsPath(p), mode);
    if (uid !== -1 || gid !== -1) chownSync(fsPath(p), uid, gid);
    if (below && st.isDirectory())
      for (const n of readdirSync(fsPath(p), { encoding: "buffer" }))
        walk(joinPath(p, decodePath(n as unknown as Buffer)));
  };
  walk(path);
}
