// Where `queue identify` learns what the queue handed off and what each torrent holds,
// and where it reports a match: the coordinator's API (GET /api/v1/downloads, GET
// /api/v1/cache/torrent/SITE/ID, POST /api/v1/downloads/complete) or the store itself
// (--db, on the coordinator's own box). Both read the same cached torrent pages the
// workers stored while searching.

import { HttpError } from "../../errors.ts";
import type { Completion, Download, Outcome, Page } from "../model.ts";
import type { QueueStore } from "../store.ts";
import { type Candidate, readTorrentFiles } from "./match.ts";

/** Downloads in these states may have data on disk (a leased one: handed off, not yet reported). */
export const IDENTIFIABLE_STATES = ["handed_off", "leased", "complete"] as const;

export interface CandidateList {
  candidates: Candidate[];
  /** Downloads whose torrent page is not in the cache: they cannot be identified. */
  withoutMetadata: Download[];
}

export interface CandidateSource {
  candidates(): Promise<CandidateList>;
  complete(items: Completion[]): Promise<Outcome[]>;
  close(): Promise<void>;
}

const PAGE = 1000;
const BATCH = 100;
const PARALLEL = 8;

/** The coordinator over HTTP, with a worker's token. */
export class CoordinatorSource implements CandidateSource {
  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly fetcher: typeof fetch = fetch,
  ) {}

  async candidates(): Promise<CandidateList> {
    const downloads: Download[] = [];
    for (const state of IDENTIFIABLE_STATES)
      for (let after = 0; ; ) {
        const page = (await this.json(
          "GET",
          `/api/v1/downloads?state=${state}&after=${after}&limit=${PAGE}`,
        )) as Page<Download>;
        downloads.push(...page.items);
        if (page.next === undefined) break;
        after = page.next;
      }
    return collect(downloads, async (d) => {
      const path = `/api/v1/cache/torrent/${encodeURIComponent(d.site)}/${d.siteTorrentId}`;
      const hit = await this.json("GET", path, undefined, true);
      return hit === undefined ? undefined : (hit as { body: unknown }).body;
    });
  }

  async complete(items: Completion[]): Promise<Outcome[]> {
    const out: Outcome[] = [];
    for (let i = 0; i < items.length; i += BATCH) {
      const r = (await this.json("POST", "/api/v1/downloads/complete", { items: items.slice(i, i + BATCH) })) as {
        results: Outcome[];
      };
      out.push(...r.results);
    }
    return out;
  }

  async close(): Promise<void> {}

  // --- internal ---

  private async json(method: string, path: string, body?: unknown, missingOk = false): Promise<unknown> {
    const url = this.url.replace(/\/+$/, "") + path;
    let res: Response;
    try {
      res = await this.fetcher(url, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (err) {
      throw new HttpError(
        `cannot reach the coordinator at ${this.url}: ${(err as Error).message}`,
        0,
        "is 'seedwatch queue serve' running there?",
      );
    }
    if (missingOk && res.status === 404) {
      await res.body?.cancel();
      return undefined;
    }
    const text = await res.text();
    if (!res.ok) {
      let why = text.slice(0, 200);
      try {
        const e = JSON.parse(text) as { error?: string };
        if (e.error) why = e.error;
      } catch {}
      throw new HttpError(
        `the coordinator answered ${method} ${path.replace(/\?.*/, "")} with ${res.status}: ` +
          `${why.replace(/\s+/g, " ")}`,
        res.status,
        res.status === 401 || res.status === 403 ? "check the token (seedwatch queue token add NAME)" : undefined,
      );
    }
    return JSON.parse(text);
  }
}

/** The store itself (--db). `worker`: the name the completions are recorded under. */
export class StoreSource implements CandidateSource {
  constructor(
    private readonly store: QueueStore,
    private readonly worker: string,
  ) {}

  async candidates(): Promise<CandidateList> {
    const downloads: Download[] = [];
    for (const state of IDENTIFIABLE_STATES)
      for (let after = 0; ; ) {
        const page = await this.store.listDownloads({ state, after, limit: PAGE });
        downloads.push(...page.items);
        if (page.next === undefined) break;
        after = page.next;
      }
    return collect(
      downloads,
      async (d) => (await this.store.cacheGet("torrent", d.site, String(d.siteTorrentId)))?.body,
    );
  }

  complete(items: Completion[]): Promise<Outcome[]> {
    return this.store.complete(this.worker, items);
  }

  close(): Promise<void> {
    return this.store.close();
  }
}

// --- internal ---

async function collect(
  downloads: Download[],
  page: (d: Download) => Promise<unknown | undefined>,
): Promise<CandidateList> {
  const out: CandidateList = { candidates: [], withoutMetadata: [] };
  let next = 0;
  const work = async () => {
    while (next < downloads.length) {
      const d = downloads[next++]!;
      const files = readTorrentFiles(await page(d));
      if (files) out.candidates.push({ ...files, download: d });
      else out.withoutMetadata.push(d);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, downloads.length) }, work));
  out.candidates.sort((a, b) => a.download.id - b.download.id);
  return out;
}
