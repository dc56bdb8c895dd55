// The worker's seedboxes by name, opened once each on first use through the factory the
// command passes in (dependency injection: the hand-off clients live in ../handoff, and
// the command picks which `openSeedbox` to pass), and closed together at the end.

import { UsageError } from "../../errors.ts";
import type { Seedbox } from "../handoff/types.ts";
import type { ResolvedSeedbox } from "../worker-config.ts";

export type OpenSeedbox = (s: ResolvedSeedbox) => Seedbox;

export class Seedboxes {
  private readonly open = new Map<string, Seedbox>();

  constructor(
    private readonly configs: ResolvedSeedbox[],
    private readonly factory: OpenSeedbox,
  ) {}

  get names(): string[] {
    return this.configs.map((s) => s.name);
  }

  has(name: string): boolean {
    return this.configs.some((s) => s.name === name);
  }

  /** The seedbox named `name`; a name not in the config is a usage error naming those that are. */
  get(name: string): Seedbox {
    const had = this.open.get(name);
    if (had) return had;
    const config = this.configs.find((s) => s.name === name);
    if (!config)
      throw new UsageError(
        `no seedbox named "${name}" in the worker config`,
        `the config has: ${this.names.join(", ")}`,
      );
    const box = this.factory(config);
    this.open.set(name, box);
    return box;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.open.values()].map((b) => b.close()));
    this.open.clear();
  }
}
