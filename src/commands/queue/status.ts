// seedwatch queue status [--json]: the numbers /stats serves, read from the database.

import { DOWNLOAD_STATES, type Stats } from "../../queue/model.ts";
import { defineVerb } from "../args.ts";
import { DB_ARG, openDb } from "./common.ts";

export default defineVerb({
  name: "queue status",
  description: "The queue's numbers: albums and downloads by state, per site, the workers and when each was last seen",
  args: { ...DB_ARG, json: { type: "boolean", description: "print /stats' JSON" } },
  async run(a) {
    const store = await openDb(a.db, { mustExist: true });
    try {
      const s = await store.stats();
      process.stdout.write(a.json ? `${JSON.stringify(s, null, 2)}\n` : human(s));
      return 0;
    } finally {
      await store.close();
    }
  },
});

// --- internal ---

function human(s: Stats): string {
  const a = s.albums;
  const pct = (n: number) => (a.total ? ` (${((100 * n) / a.total).toFixed(1)}%)` : "");
  const lines = [
    `albums      ${a.total}: found ${a.found}${pct(a.found)}, not found ${a.not_found}${pct(a.not_found)}, ` +
      `pending ${a.pending}, leased ${a.leased}, failed ${a.failed}`,
    `downloads   ${s.downloads.total}: ` +
      `${DOWNLOAD_STATES.map((st) => `${st.replace("_", " ")} ${s.downloads[st]}`).join(", ")}`,
  ];
  for (const [site, states] of Object.entries(s.downloadsBySite))
    lines.push(
      `  ${site.padEnd(24)} ${DOWNLOAD_STATES.map((st) => `${st.replace("_", " ")} ${states[st] ?? 0}`).join(", ")}`,
    );
  lines.push(`workers     ${s.workers.length}`);
  for (const w of s.workers)
    lines.push(`  ${w.name.padEnd(24)} last seen ${new Date(w.lastSeen).toISOString()}  ${w.lastAction}`);
  return `${lines.join("\n")}\n`;
}
