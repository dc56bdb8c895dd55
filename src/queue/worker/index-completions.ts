// Completion through seedwatch's own rtorrent index, for an rtorrent seedbox whose config
// names its session directory: the continuous worker runs the index (rtorrent/service.ts)
// in its own process, and this file is the index's `complete` listener.
//
// Theory of operation
// - The index calls `complete` once per completion of any torrent of the session (the
//   `.complete` marker rtorrent's finished event touches, or complete=1 in `.rtorrent`),
//   and remembers across restarts that it did: a torrent that finished while the worker
//   was down is reported when it starts again, exactly once.
// - The torrent is the queue's when its session carries the tag the hand-off set
//   (`d.custom seedwatch_queue = SITE:ID`), or, without one (rtorrent saves it at the
//   hand-off, but a session from before it may not have it), when its info hash is a
//   download this worker handed off to this seedbox. Anything else is not ours: ignored.
// - It is reported with its data's path (a single file, or a multi-file torrent's
//   directory), as the polling of the seedbox would.
// - The coordinator out of reach, or the session files not all written yet: the path goes
//   back onto queues.complete and the index tries again a little later. Never dropped.

import { realpathSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../../errors.ts";
import { joinPath } from "../../events/index.ts";
import { DEFAULT_HOOK_TIMEOUT_S } from "../../hooks/call.ts";
import { log } from "../../log.ts";
import { bdecode, isDict, str } from "../../rtorrent/bdecode.ts";
import type { TrackerSetup } from "../../rtorrent/open.ts";
import { readSession, type SessionTorrent } from "../../rtorrent/session.ts";
import { dataDir } from "../../xdg.ts";
import { QUEUE_TAG_KEY } from "../handoff/metainfo.ts";
import type { ResolvedSeedbox } from "../worker-config.ts";
import type { CoordinatorClient } from "./coordinator.ts";
import type { Site } from "./sites.ts";

const out = log.withTag("worker");

export type IndexedSeedbox = Extract<ResolvedSeedbox, { kind: "rtorrent" }> & {
  index: NonNullable<Extract<ResolvedSeedbox, { kind: "rtorrent" }>["index"]>;
};

export interface IndexCompletionDeps {
  coordinator: CoordinatorClient;
  sites: Site[];
}

/** The seedboxes whose completions come from an index (their config names the session). */
export function indexedSeedboxes(boxes: ResolvedSeedbox[]): IndexedSeedbox[] {
  return boxes.filter((b): b is IndexedSeedbox => b.kind === "rtorrent" && b.index !== undefined);
}

/** The index's setup for `box`, with the listener that reports the queue's completions. */
export function indexSetup(box: IndexedSeedbox, deps: IndexCompletionDeps): TrackerSetup {
  let session: string;
  try {
    session = realpathSync(box.index.session);
  } catch (err) {
    throw new ConfigError(
      `cannot open the session directory: ${(err as Error).message}`,
      `seedbox ${box.name}: rtorrent.session`,
      box.index.session,
      "give rtorrent's session.path, the directory holding <HASH>.torrent files",
    );
  }
  const db = box.index.db ?? join(dataDir(), `worker-${box.name.replace(/[^A-Za-z0-9._-]+/g, "_")}.rtorrent.db`);
  const report = new CompletionReporter(box.name, session, deps);
  return {
    session,
    roots: [],
    db,
    hookFiles: [],
    remove: false,
    hookTimeoutMs: DEFAULT_HOOK_TIMEOUT_S * 1000,
    args: { session, db, seedbox: box.name },
    listeners: {
      complete: (_db: unknown, path: string, _args: unknown, queues: Record<string, string[]>) =>
        report.completed(path, queues),
    },
  };
}

/** The tag's value in a `.torrent.rtorrent` (rtorrent keeps d.custom KEY in its `custom` dictionary). */
export function queueTagOf(rtorrentState: Uint8Array): string | undefined {
  try {
    const state = bdecode(rtorrentState).value;
    if (!isDict(state) || !isDict(state.custom)) return undefined;
    return str(state.custom[QUEUE_TAG_KEY]) || undefined;
  } catch {
    return undefined;
  }
}

// --- internal ---

interface Target {
  site: string;
  siteTorrentId: number;
}

class CompletionReporter {
  private me: string | undefined;

  constructor(
    private readonly box: string,
    private readonly session: string,
    private readonly d: IndexCompletionDeps,
  ) {}

  async completed(path: string, queues: Record<string, string[]>): Promise<void> {
    const hash = /([0-9A-F]{40})\.(complete|torrent)$/.exec(path)?.[1];
    if (!hash) return;
    const again = (why: string) => {
      out.warn(`${this.box}: the completion of ${hash} is not reported yet (${why}); trying again shortly`);
      if (!queues.complete!.includes(path)) queues.complete!.push(path);
    };
    const read = readSession(this.session, hash);
    if (read.kind === "absent") return; // erased meanwhile
    if (read.kind === "partial") return again(`${read.missing} is not written yet`);
    if (read.kind === "bad") return void out.warn(`${this.box}: cannot read ${hash} in the session: ${read.reason}`);
    try {
      const target = await this.targetOf(read.torrent);
      if (!target) return void out.debug(`${this.box}: ${hash} completed; not the queue's`);
      const local = dataPath(read.torrent);
      const [r] = await this.d.coordinator.complete([{ ...target, localPath: local }]);
      const name = this.d.sites.find((s) => s.host === target.site)?.name ?? target.site;
      if (r === "ok" || r === "duplicate")
        out.info(`${name} torrent ${target.siteTorrentId} is complete in ${this.box}: ${local}`);
      else out.warn(`${this.box}: the coordinator answered "${r}" to the completion of ${hash}; not reported`);
    } catch (err) {
      again((err as Error).message);
    }
  }

  /** By the tag, else by the info hash among this worker's downloads handed off to this seedbox. */
  private async targetOf(t: SessionTorrent): Promise<Target | undefined> {
    const tag = /^(.+):(\d+)$/.exec(queueTagOf(t.raw.rtorrent) ?? "");
    const site = tag && this.d.sites.find((s) => s.name === tag[1]);
    if (site) return { site: site.host, siteTorrentId: Number(tag![2]) };
    this.me ??= (await this.d.coordinator.whoami()).name;
    for (let after = 0; ; ) {
      const page = await this.d.coordinator.listDownloads("handed_off", after);
      const d = page.items.find(
        (x) => x.infoHash?.toUpperCase() === t.hash && x.worker === this.me && x.seedbox === this.box,
      );
      if (d) return { site: d.site, siteTorrentId: d.siteTorrentId };
      if (page.next === undefined) return undefined;
      after = page.next;
    }
  }
}

/** Where the data is: a single file, or a multi-file torrent's directory (its `base`). */
function dataPath(t: SessionTorrent): string {
  const meta = bdecode(t.raw.torrent).value;
  const multi = isDict(meta) && isDict(meta.info) && Array.isArray(meta.info.files);
  return multi ? t.base : (t.files[0]?.path ?? joinPath(t.base, t.name));
}
