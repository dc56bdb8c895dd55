// seedwatch queue import FILE.csv…: the inventory. Every file is read and checked before
// anything is written: one that is not UTF-8 or not CSV stops the import, and nothing of
// any file is added. Then each row is added, skipped (a duplicate) or rejected.

import { readFileSync } from "node:fs";
import { nativeError } from "../../errors.ts";
import { readInventory, type Inventory } from "../../queue/inventory.ts";
import { defineVerb } from "../args.ts";
import { DB_ARG, openDb } from "./common.ts";

export default defineVerb({
  name: "queue import",
  description: "Add albums to the queue from inventory CSV files (distleech's columns: Artist Name, Album Title)",
  args: {
    files: { type: "positional", variadic: true, valueHint: "FILE.csv...", description: "the inventory files" },
    ...DB_ARG,
    quiet: { type: "boolean", alias: "q", description: "print only the totals, not each skipped or rejected row" },
  },
  examples: `
EXAMPLES
  seedwatch queue import lens-spreadsheet.csv
  seedwatch queue import --db postgres://queue@db.lan/queue a.csv b.csv

WHAT IS KEPT
  "Artist Name" (sort form: "Cockburn, Bruce") and "Album Title" make the album; every
  other column is kept as its extra data. An album already in the queue, exactly or
  once case, spacing and punctuation are set aside, is skipped: importing a file again
  adds nothing. A BOM, quoted fields and CRLF line ends are fine.`,
  async run(a) {
    const files: [string, Inventory][] = a.files.map((f) => {
      let bytes: Uint8Array;
      try {
        bytes = readFileSync(f);
      } catch (err) {
        throw nativeError("open", err as NodeJS.ErrnoException, f);
      }
      return [f, readInventory(bytes, f)];
    });
    const store = await openDb(a.db);
    let added = 0;
    let skipped = 0;
    let rejected = 0;
    try {
      for (const [file, inv] of files) {
        const outcomes = await store.addAlbums(inv.rows);
        const lines: [number, string][] = inv.rejected.map((r) => [r.row, `rejected: ${r.reason}`]);
        for (const [i, o] of outcomes.entries()) {
          if (o === "added") added++;
          else {
            skipped++;
            const r = inv.rows[i]!;
            const why = o === "duplicate" ? "already in the queue" : "already in the queue, spelled differently";
            lines.push([r.row, `skipped: ${why} (${r.artist} — ${r.title})`]);
          }
        }
        rejected += inv.rejected.length;
        if (!a.quiet)
          for (const [row, what] of lines.sort((x, y) => x[0] - y[0]))
            process.stdout.write(`${file}:${row}: ${what}\n`);
      }
    } finally {
      await store.close();
    }
    process.stdout.write(`added ${added}, skipped ${skipped}, rejected ${rejected}\n`);
    return 0;
  },
});
