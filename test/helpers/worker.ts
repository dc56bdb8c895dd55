// A queue worker as a user runs one: a worker.ts written into a temp dir (coordinator,
// the fake tracker as a site, a watch-directory seedbox), and the compiled binary's
// `queue work …` started on it with the token in the environment (never in the file).

import { mkdirSync, writeFileSync } from "node:fs";
import { DEFAULT_USER, type FakeGazelle } from "../fakes/gazelle.ts";
import { Running } from "./bin.ts";
import type { TempDir } from "./tmp.ts";

export interface WorkerFiles {
  config: string;
  watchDir: string;
}

/**
 * worker.ts in `dir`: one site (the fake, as "fake") at `rate` requests per `seconds`; one seedbox
 * (default: box1, a watch directory).
 */
export function writeWorkerConfig(
  dir: TempDir,
  coordinatorUrl: string,
  fake: FakeGazelle,
  o: { rate?: { requests: number; seconds: number }; name?: string; seedbox?: Record<string, unknown> } = {},
): WorkerFiles {
  const watchDir = dir.join(`${o.name ?? "worker"}-watch`);
  mkdirSync(watchDir, { recursive: true });
  const config = dir.join(`${o.name ?? "worker"}.ts`);
  const rate = o.rate ?? { requests: 100, seconds: 1 };
  writeFileSync(
    config,
    `import { defineWorker } from "seedwatch";
export default defineWorker({
  coordinator: { url: ${JSON.stringify(coordinatorUrl)}, token: { env: "QUEUE_TOKEN" } },
  sites: [{ name: "fake", url: ${JSON.stringify(fake.url)},
    api_key: { env: "FAKE_KEY" }, rate_limit: ${JSON.stringify(rate)} }],
  seedboxes: [${o.seedbox ? JSON.stringify(o.seedbox) : `{ name: "box1", watch_dir: ${JSON.stringify(watchDir)} }`}],
});
`,
  );
  return { config, watchDir };
}

/** `seedwatch queue work ARGS --config CONFIG` with the token and the site's key in the environment. */
export function startWorker(
  args: string[],
  config: string,
  token: string,
  extra: Record<string, string> = {},
): Running {
  return new Running(["queue", "work", ...args, "--config", config], {
    env: { QUEUE_TOKEN: token, FAKE_KEY: DEFAULT_USER.apiKey, ...extra },
  });
}

/** Run a one-shot `queue work` to its end (async: the fake tracker lives in this process). */
export async function runWorker(
  args: string[],
  config: string,
  token: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const run = startWorker(args, config, token);
  const code = await run.stop();
  return { code, stdout: run.stdout, stderr: run.stderr };
}

/** An inventory CSV in `dir` with these rows. */
export function writeInventory(dir: TempDir, rows: [string, string][], name = "inventory.csv"): string {
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const path = dir.join(name);
  writeFileSync(path, `Artist Name,Album Title\n${rows.map(([a, t]) => `${q(a)},${q(t)}`).join("\n")}\n`);
  return path;
}
