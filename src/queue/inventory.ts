// The inventory as distleech reads it: CSV files with the columns `Artist Name` (sort
// form, "Cockburn, Bruce") and `Album Title`; every other column is kept as the album's
// extra data. Reading is pure (bytes in, rows out) and all-or-nothing per file: a file
// that is not UTF-8 or not CSV is an InventoryError and nothing of it is imported. A row
// that is CSV but unusable (an empty artist, a field count unlike the header's) is
// rejected with its row number (the header is row 1, as in a spreadsheet).

import { parse } from "csv-parse/sync";
import { EXIT, SeedError } from "../errors.ts";
import type { NewAlbum } from "./model.ts";

export const ARTIST_COLUMN = "Artist Name";
export const TITLE_COLUMN = "Album Title";

export class InventoryError extends SeedError {
  constructor(message: string, hint: string) {
    super(message, { code: "inventory", exitCode: EXIT.config, hint });
  }
}

export interface InventoryRow extends NewAlbum {
  row: number;
}

export interface Rejected {
  row: number;
  reason: string;
}

export interface Inventory {
  rows: InventoryRow[];
  rejected: Rejected[];
}

/** Parse one file's bytes. `name` is for messages. */
export function readInventory(bytes: Uint8Array, name: string): Inventory {
  utf8(bytes, name);
  let parsed: { record: string[]; info: { bytes: number } }[];
  try {
    parsed = parse(Buffer.from(bytes), {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
    }) as unknown as typeof parsed;
  } catch (err) {
    throw new InventoryError(
      `${name} is not CSV: ${(err as Error).message}`,
      "export the sheet as CSV (comma-separated, UTF-8); nothing was imported",
    );
  }
  const header = parsed[0]?.record;
  if (!header)
    throw new InventoryError(
      `${name} is empty`,
      `the first row names the columns: "${ARTIST_COLUMN}", "${TITLE_COLUMN}"`,
    );
  const find = (col: string) => header.findIndex((h) => h.toLowerCase() === col.toLowerCase());
  const artistAt = find(ARTIST_COLUMN);
  const titleAt = find(TITLE_COLUMN);
  if (artistAt < 0 || titleAt < 0)
    throw new InventoryError(
      `${name} has no "${artistAt < 0 ? ARTIST_COLUMN : TITLE_COLUMN}" column ` +
        `(its columns: ${header.map((h) => JSON.stringify(h)).join(", ")})`,
      `the first row must name the columns "${ARTIST_COLUMN}" and "${TITLE_COLUMN}" (distleech's); ` +
        "other columns are kept as extra data",
    );
  const out: Inventory = { rows: [], rejected: [] };
  const lines = new LineCounter(bytes);
  for (const [i, { record: fields }] of parsed.entries()) {
    // the row a person sees in an editor or a spreadsheet: the line the record starts on
    const row = lines.startOf(i === 0 ? 0 : parsed[i - 1]!.info.bytes);
    if (i === 0) continue;
    if (fields.length !== header.length) {
      out.rejected.push({ row, reason: `${fields.length} fields where the header has ${header.length}` });
      continue;
    }
    const artist = fields[artistAt]!;
    const title = fields[titleAt]!;
    if (!artist || !title) {
      out.rejected.push({ row, reason: `empty "${!artist ? ARTIST_COLUMN : TITLE_COLUMN}"` });
      continue;
    }
    const extra: Record<string, string> = {};
    for (const [k, h] of header.entries())
      if (k !== artistAt && k !== titleAt && fields[k]) extra[h || `column ${k + 1}`] = fields[k]!;
    out.rows.push({ row, artist, title, extra });
  }
  return out;
}

// --- internal ---

/** Line numbers of byte offsets, walking forward once (records come in order). */
class LineCounter {
  private pos = 0;
  private line = 1;

  constructor(private readonly b: Uint8Array) {}

  /** The line where the record after byte `end` of the previous one starts (blank lines skipped). */
  startOf(end: number): number {
    let start = end;
    while (start < this.b.length && (this.b[start] === 0x0a || this.b[start] === 0x0d)) start++;
    for (; this.pos < start; this.pos++) {
      const c = this.b[this.pos];
      if (c === 0x0a || (c === 0x0d && this.b[this.pos + 1] !== 0x0a)) this.line++;
    }
    return this.line;
  }
}

function utf8(bytes: Uint8Array, name: string): string {
  if (bytes.includes(0))
    throw new InventoryError(
      `${name} is not CSV: it holds NUL bytes (a binary file?)`,
      "nothing was imported; export the sheet as CSV",
    );
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new InventoryError(
      `${name} is not UTF-8 text`,
      "nothing was imported; re-export as CSV UTF-8, " +
        "or convert it: iconv -f WINDOWS-1252 -t UTF-8 FILE > FILE.utf8.csv",
    );
  }
}
