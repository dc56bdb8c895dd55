// The `openSeedbox` the worker command passes to Seedboxes: a watch directory here;
// rtorrent and Transmission are built on another branch (src/queue/handoff/index.ts).
// MERGE POINT: once src/queue/handoff/index.ts exists, this file's body becomes
//   export { openSeedbox } from "../handoff/index.ts";
// and nothing else changes (work.ts imports `openSeedbox` from here only).
//
// The watch directory: the .torrent is written under a hidden temporary name in the
// directory, then renamed to `<site>-<torrent id>.torrent`, so a client that watches it
// never loads half a file. A watch directory cannot say how far a download got
// (progress: unknown); `seedwatch queue identify DIR…` reports those.

import { closeSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import { type Accepted, HandOffError, type Progress, type Seedbox, type TorrentFile } from "../handoff/types.ts";
import type { ResolvedSeedbox } from "../worker-config.ts";

export function openSeedbox(s: ResolvedSeedbox): Seedbox {
  if (s.kind === "watch") return new WatchDirSeedbox(s.name, s.watch_dir);
  return new NotWired(s.name, s.kind);
}

export class WatchDirSeedbox implements Seedbox {
  readonly kind = "watch" as const;

  constructor(
    readonly name: string,
    readonly dir: string,
  ) {}

  async handOff(t: TorrentFile): Promise<Accepted> {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(this.dir);
    } catch (err) {
      throw new HandOffError(`watch directory ${this.dir}: ${(err as Error).message}`, "retry");
    }
    if (!st.isDirectory()) throw new HandOffError(`watch directory ${this.dir} is not a directory`, "retry");
    const name = `${t.site.replace(/[^\w.-]+/g, "_")}-${t.siteTorrentId}.torrent`;
    const tmp = join(this.dir, `.${name}.${process.pid}.tmp`);
    try {
      const fd = openSync(tmp, "w", 0o644);
      try {
        writeSync(fd, t.bytes);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, join(this.dir, name));
    } catch (err) {
      try {
        unlinkSync(tmp);
      } catch {
        // never written
      }
      // a full disk, a read-only mount or permissions: the task goes back with the reason
      throw new HandOffError(`writing ${join(this.dir, name)}: ${(err as Error).message}`, "retry");
    }
    return { infoHash: t.infoHash };
  }

  async progress(): Promise<Progress> {
    return { state: "unknown" };
  }

  async close(): Promise<void> {}
}

// --- internal ---

class NotWired implements Seedbox {
  constructor(
    readonly name: string,
    readonly kind: "rtorrent" | "transmission",
  ) {}

  async handOff(): Promise<Accepted> {
    throw new HandOffError(
      `seedbox ${this.name}: ${this.kind} hand-off is not wired into this build yet (use a watch_dir seedbox)`,
      "retry",
    );
  }

  async progress(): Promise<Progress> {
    throw new HandOffError(`seedbox ${this.name}: ${this.kind} is not wired into this build yet`, "retry");
  }

  async close(): Promise<void> {}
}
