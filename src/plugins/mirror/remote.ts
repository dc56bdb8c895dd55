// RsyncReplica: a mirror on another host, through the system's rsync, as lsyncd's users
// expect: `rsync://HOST[:PORT]/MODULE/PATH` (an rsync daemon) or `HOST:PATH` (over a
// remote shell, ssh unless `rsh` says otherwise).
//
// Theory of operation
// - The comparisons (start, after an overflow, a folder moved in) are rsync's own:
//   `rsync -a [--delete] SRC/REL/ DEST/REL/`.
// - Live changes are collected as paths and handed over in batches, one rsync per batch
//   (a file list on stdin, NUL-separated, so any name goes through): `--files-from`
//   copies each listed entry, `--delete-missing-args` removes those the source no longer
//   has. A batch is sent when the mirror has nothing else to do; changes that come while
//   one is sent wait for the next. A rename is a removal and a copy: rsync has no rename.
// - A batch that fails (rsync's exit status) is logged with what rsync said and sent
//   again, with backoff; its paths are merged into the next batch.

import { SeedError } from "../../errors.ts";
import { ConfigError } from "../../errors.ts";
import { encodePath } from "../../events/index.ts";
import { log } from "../../log.ts";
import type { Excludes } from "./exclude.ts";
import { below, type Outcome, type Replica, type Tally, type WalkControl } from "./replica.ts";

export type Remote = { kind: "daemon" | "shell"; url: string };

/** rsync://… or HOST:PATH as a Remote; undefined for a local folder. */
export function parseRemote(destination: string, field: string): Remote | undefined {
  if (destination.startsWith("rsync://")) {
    if (!/^rsync:\/\/[^/]+\/[^/]+/.test(destination))
      throw new ConfigError("needs a host and a module", field, destination, "rsync://HOST[:PORT]/MODULE/PATH");
    return { kind: "daemon", url: destination.replace(/\/*$/, "") };
  }
  if (/^[^/:]+:/.test(destination)) return { kind: "shell", url: destination.replace(/\/*$/, "") };
  return undefined;
}

export interface RemoteSetup {
  source: string;
  remote: Remote;
  delete: boolean;
  excludes: Excludes;
  owner: boolean;
  rsh: string | undefined;
  /** The rsync to run (tests: a wrapper). */
  rsync?: string;
}

/** A failed batch is sent again after this long, doubling up to RETRY_MAX_MS. */
const RETRY_MS = 1000;
const RETRY_MAX_MS = 60_000;

export class RsyncReplica implements Replica {
  readonly destination: string;
  readonly tally: Tally = { copied: 0, bytes: 0, removed: 0, renamed: 0 };
  private batch = new Set<string>();
  private sending: Promise<void> | undefined;
  private retryMs = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly log = log.withTag("mirror");

  constructor(private readonly s: RemoteSetup) {
    this.destination = s.remote.url;
  }

  async prepare(): Promise<void> {
    const r = Bun.spawnSync([this.s.rsync ?? "rsync", "--version"], { stdout: "pipe", stderr: "pipe" });
    if (!r.success)
      throw new SeedError("rsync is not installed: a remote destination is copied by the system's rsync", {
        code: "rsync",
        exitCode: 8,
        hint: "install it (apt-get install rsync), or mirror to a mounted folder",
      });
  }

  async reconcile(rel: string, ctl: WalkControl): Promise<void> {
    await this.sending;
    const code = await this.rsync(
      [...(this.s.delete ? ["--delete"] : []), `${below(this.s.source, rel)}/`, `${below(this.s.remote.url, rel)}/`],
      undefined,
    );
    if (code !== 0) ctl.failed(rel, Object.assign(new Error(`rsync exit ${code}`), { code: `rsync exit ${code}` }));
  }

  sync(rel: string): Outcome {
    this.batch.add(rel);
    return "done";
  }

  move(): "absent" {
    return "absent";
  }

  remove(rel: string): Outcome {
    if (this.s.delete) this.batch.add(rel);
    return "done";
  }

  settle(dirs: Iterable<string>): string[] {
    for (const d of dirs) this.batch.add(d === "" ? "." : d);
    return []; // rsync sends what the source has then; a rename is a walk of the new path (move: "absent")
  }

  /** Send what was collected; one batch at a time. */
  flush(): Promise<void> {
    if (this.sending || this.batch.size === 0 || this.retryTimer) return this.sending ?? Promise.resolve();
    const list = [...this.batch];
    this.batch = new Set();
    this.sending = this.send(list).finally(() => {
      this.sending = undefined;
      if (this.batch.size && !this.retryTimer) void this.flush();
    });
    return this.sending;
  }

  // --- internal ---

  private async send(list: string[]): Promise<void> {
    const stdin = Buffer.concat(list.flatMap((p) => [Buffer.from(encodePath(p)), Buffer.from([0])]));
    // --force: a folder the source no longer has goes with what it holds.
    const args = [
      "--files-from=-",
      "--from0",
      "--dirs",
      ...(this.s.delete ? ["--delete-missing-args", "--force"] : []),
    ];
    const code = await this.rsync([...args, `${this.s.source}/`, `${this.s.remote.url}/`], stdin);
    if (code === 0) {
      this.retryMs = 0;
      this.tally.copied += list.length;
      return;
    }
    for (const p of list) this.batch.add(p);
    this.retryMs = Math.min(this.retryMs ? this.retryMs * 2 : RETRY_MS, RETRY_MAX_MS);
    this.log.warn(
      `${this.destination}: a batch of ${list.length} paths failed; sent again in ${this.retryMs / 1000} s`,
    );
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.flush();
    }, this.retryMs);
  }

  /** Run rsync -a with the common options; its errors go to the log, line by line. */
  private async rsync(args: string[], stdin: Buffer | undefined): Promise<number> {
    const argv = [
      this.s.rsync ?? "rsync",
      "-a",
      ...(this.s.owner || process.getuid?.() !== 0 ? [] : ["--no-owner", "--no-group"]),
      ...(this.s.remote.kind === "shell" && this.s.rsh ? ["-e", this.s.rsh] : []),
      ...this.s.excludes.patterns.map((p) => `--exclude=${p}`),
      ...args,
    ];
    const p = Bun.spawn(argv, { stdin: stdin ?? "ignore", stdout: "ignore", stderr: "pipe" });
    const [code, err] = await Promise.all([p.exited, new Response(p.stderr).text()]);
    for (const line of err.split("\n").filter(Boolean)) this.log.warn(`rsync: ${line}`);
    return code;
  }
}
