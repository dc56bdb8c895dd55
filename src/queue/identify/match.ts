// Which torrent a finished directory (or single file) is: distleech's `dir_id` done right
// (reference §1.7, §1.11 bug 7). Every file of the torrent must be there with its exact
// size (distleech compared only the last file's), names HTML-entity-decoded as the site
// sends them, single-file torrents included. The directory's own name only breaks a tie,
// so a renamed directory is still found. Among the torrents that fit, one with no file
// beyond its own beats one with extras, and a name equal to the torrent's beats another;
// if still more than one fits, the answer is "ambiguous", never a guess. Pure: no I/O.

import { decodeName, parseFileList } from "../gazelle/shapes.ts";
import type { Download } from "../model.ts";
import type { Found } from "./scan.ts";

export interface TorrentFiles {
  /** The top directory of a multi-file torrent; "" for a single-file torrent. */
  filePath: string;
  files: { name: string; size: number }[];
}

export interface Candidate extends TorrentFiles {
  download: Pick<Download, "id" | "site" | "siteTorrentId" | "state" | "localPath">;
}

export type Verdict =
  | { kind: "matched"; candidate: Candidate; extras: number }
  | { kind: "ambiguous"; candidates: Candidate[] }
  | { kind: "unmatched"; why: string };

/**
 * The file list in a cached torrent page, whatever form it was stored in: the worker's
 * TorrentDetail (`torrent.files`), `{ value: TorrentDetail }`, or Gazelle's own answer
 * (`torrent.fileList`, bare or in its `{ status, response }` envelope). Undefined when
 * there is none.
 */
export function readTorrentFiles(body: unknown): TorrentFiles | undefined {
  let o = body as Record<string, unknown> | null;
  for (const wrap of ["value", "response"])
    if (o && typeof o === "object" && o[wrap] && typeof o[wrap] === "object" && !("torrent" in o))
      o = o[wrap] as Record<string, unknown>;
  const t = o && typeof o === "object" ? (o.torrent as Record<string, unknown> | undefined) : undefined;
  if (!t || typeof t !== "object") return undefined;
  const filePath = typeof t.filePath === "string" ? t.filePath : "";
  if (Array.isArray(t.files)) {
    // the worker's TorrentDetail: names already decoded (decoding twice would change "&amp;amp;")
    const files = t.files.filter(
      (f): f is { name: string; size: number } =>
        typeof f?.name === "string" && typeof f?.size === "number" && Number.isFinite(f.size),
    );
    return files.length === t.files.length && files.length > 0 ? { filePath, files } : undefined;
  }
  if (typeof t.fileList === "string" && t.fileList !== "") {
    try {
      return { filePath: decodeName(filePath), files: parseFileList(t.fileList) };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function identifyData(found: Found, candidates: Candidate[]): Verdict {
  const fits: { c: Candidate; extras: number; score: number }[] = [];
  let nearest: { c: Candidate; present: number; problem: string } | undefined;
  for (const c of candidates) {
    const r = compare(found, c);
    if (r.problem === undefined) {
      const extras = found.kind === "dir" ? found.files.size - c.files.length : 0;
      const named = same(found.name, c.filePath || c.files[0]!.name);
      fits.push({ c, extras, score: (extras === 0 ? 2 : 0) + (named ? 1 : 0) });
    } else if (r.present > 0 && (!nearest || r.present > nearest.present))
      nearest = { c, present: r.present, problem: r.problem };
  }
  if (fits.length === 0) {
    const size = found.kind === "dir" ? `${found.files.size} file(s)` : "this file";
    return {
      kind: "unmatched",
      why: nearest
        ? `nearest is ${ref(nearest.c)}: ${nearest.problem}`
        : `no torrent known to the queue has ${size} with these names and sizes (${candidates.length} checked)`,
    };
  }
  const best = Math.max(...fits.map((f) => f.score));
  const top = fits.filter((f) => f.score === best);
  const distinct = [...new Map(top.map((f) => [`${f.c.download.site}\n${f.c.download.siteTorrentId}`, f])).values()];
  if (distinct.length > 1) return { kind: "ambiguous", candidates: distinct.map((f) => f.c) };
  return { kind: "matched", candidate: distinct[0]!.c, extras: distinct[0]!.extras };
}

/** "OPS torrent 123" */
export function ref(c: Candidate): string {
  return `${c.download.site} torrent ${c.download.siteTorrentId}`;
}

// --- internal ---

/** How many of the torrent's files are there with their size, and the first that is not. */
function compare(found: Found, c: Candidate): { present: number; problem?: string } {
  if (c.files.length === 0) return { present: 0, problem: "its file list is empty" };
  if (found.kind === "file") {
    if (c.filePath !== "" || c.files.length !== 1) return { present: 0, problem: "it has several files" };
    const f = c.files[0]!;
    if (!same(found.name, f.name)) return { present: 0, problem: `its file is named ${JSON.stringify(f.name)}` };
    if (found.size !== f.size) return { present: 0, problem: `its file has ${f.size} bytes, this one ${found.size}` };
    return { present: 1 };
  }
  const byName = new Map<string, number>();
  for (const [name, size] of found.files) byName.set(nfc(name), size);
  let present = 0;
  let problem: string | undefined;
  for (const f of c.files) {
    const size = byName.get(nfc(f.name));
    if (size === f.size) present++;
    else
      problem ??=
        size === undefined
          ? `${JSON.stringify(f.name)} is missing`
          : `${JSON.stringify(f.name)} has ${size} bytes, the torrent says ${f.size}`;
  }
  return problem === undefined ? { present } : { present, problem };
}

function same(a: string, b: string): boolean {
  return nfc(a) === nfc(b);
}

function nfc(s: string): string {
  return s.normalize("NFC");
}
