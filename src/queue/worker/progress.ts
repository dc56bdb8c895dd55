// Completion: the continuous worker asks its seedboxes, now and then, how the downloads it
// handed off are doing, and reports those that finished to the coordinator with their
// local path. "Its" downloads: handed off by this worker's token name to a seedbox this
// config names (the coordinator remembers both), so a restarted worker picks up where it
// was. A seedbox that cannot say (a watch directory: `queue identify` reports those) or
// cannot be reached is skipped until the next poll. A seedbox whose completions come from
// seedwatch's rtorrent index (index-completions.ts) can be left out with `skip`.

import { log } from "../../log.ts";
import { HandOffError } from "../handoff/types.ts";
import type { Download } from "../model.ts";
import type { CoordinatorClient } from "./coordinator.ts";
import type { Seedboxes } from "./seedboxes.ts";

const out = log.withTag("worker");

export interface ProgressTally {
  checked: number;
  completed: number;
}

export async function pollCompletions(
  coordinator: CoordinatorClient,
  me: string,
  boxes: Seedboxes,
  signal?: AbortSignal,
  skip: ReadonlySet<string> = new Set(),
): Promise<ProgressTally> {
  const tally: ProgressTally = { checked: 0, completed: 0 };
  for (let after = 0; ; ) {
    const page = await coordinator.listDownloads("handed_off", after);
    const mine = page.items.filter(
      (d) => d.worker === me && d.seedbox !== null && boxes.has(d.seedbox) && !skip.has(d.seedbox),
    );
    for (const d of mine) {
      if (signal?.aborted) return tally;
      tally.checked++;
      const path = await completedPath(d, boxes);
      if (path === undefined) continue;
      const [r] = await coordinator.complete([{ site: d.site, siteTorrentId: d.siteTorrentId, localPath: path }]);
      if (r === "ok" || r === "duplicate") {
        tally.completed++;
        out.info(`download ${d.id} (${d.site} torrent ${d.siteTorrentId}) is complete: ${path}`);
      }
    }
    if (page.next === undefined) {
      out.debug(`asked the seedboxes about ${tally.checked} download(s) handed off: ${tally.completed} complete`);
      return tally;
    }
    after = page.next;
  }
}

// --- internal ---

async function completedPath(d: Download, boxes: Seedboxes): Promise<string | undefined> {
  if (!d.infoHash) return undefined;
  const box = boxes.get(d.seedbox!);
  try {
    const p = await box.progress(d.infoHash.toLowerCase());
    if (p.state === "complete") return p.path; // "unknown" (a watch directory): `seedwatch queue identify`
    if (p.state === "missing") out.warn(`download ${d.id}: seedbox ${box.name} does not have ${d.infoHash} any more`);
    return undefined;
  } catch (err) {
    const why = err instanceof HandOffError ? err.message : String(err);
    out.warn(`download ${d.id}: asking seedbox ${box.name} failed (${why}); asking again later`);
    return undefined;
  }
}
