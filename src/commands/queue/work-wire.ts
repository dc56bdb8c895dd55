// What every form of `seedwatch queue work` wires from worker.ts: the coordinator's
// client, the shared cache over it, the sites and the seedboxes. The one place the
// seedbox factory is chosen (queue/handoff: rtorrent, Transmission or a watch directory).

import { homedir } from "node:os";
import { join } from "node:path";
import { CoordinatorCache } from "../../queue/worker/cache.ts";
import { loadWorkerConfig } from "../../queue/worker/config-file.ts";
import { CoordinatorClient } from "../../queue/worker/coordinator.ts";
import { type IndexedSeedbox, indexedSeedboxes } from "../../queue/worker/index-completions.ts";
import { openSeedbox } from "../../queue/handoff/index.ts";
import { Seedboxes } from "../../queue/worker/seedboxes.ts";
import { openSites, type Site } from "../../queue/worker/sites.ts";
import type { Spec } from "../args.ts";

export const WORKER_CONFIG_ARG = {
  config: {
    type: "string",
    valueHint: "FILE",
    description: "the worker's config (default: ~/.config/seedwatch/worker.ts)",
  },
} as const satisfies Spec;

export interface Wired {
  coordinator: CoordinatorClient;
  cache: CoordinatorCache;
  sites: Site[];
  boxes: Seedboxes;
  /** The rtorrent seedboxes whose config names their session: the continuous worker runs an index for each. */
  indexed: IndexedSeedbox[];
}

export async function wire(config: string | undefined): Promise<Wired> {
  const c = await loadWorkerConfig(config ?? join(process.env.HOME ?? homedir(), ".config/seedwatch/worker.ts"));
  const coordinator = new CoordinatorClient(c.coordinator.url, c.coordinator.token);
  const cache = new CoordinatorCache(coordinator);
  return {
    coordinator,
    cache,
    sites: openSites(c.sites, cache, c.prefer),
    boxes: new Seedboxes(c.seedboxes, openSeedbox),
    indexed: indexedSeedboxes(c.seedboxes),
  };
}
