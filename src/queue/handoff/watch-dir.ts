// Hand-off to a client's watch directory: the file is written under a hidden temporary
// name in that same directory (so the rename cannot cross filesystems), flushed to disk,
// then renamed to `<site>-<id>-<infohash8>.torrent`. A client that watches `*.torrent`
// therefore never sees a partial file, and a crash leaves at most a hidden temporary,
// which the next hand-off of any torrent sweeps when it is stale. The name carries nothing
// the tracker chose, so no torrent can name a path. A watch directory cannot tell what
// became of the file: progress is always "unknown" (`seedwatch queue identify` reports
// finished data instead).

import { closeSync, fsyncSync, openSync, readdirSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { joinPath, showPath } from "../../events/path.ts";
import { fsPath } from "../../fs/path.ts";
import { checkMetainfo, label, torrentFileName } from "./metainfo.ts";
import { type Accepted, HandOffError, type Progress, type Seedbox, type TorrentFile } from "./types.ts";

export interface WatchDirOptions {
  name: string;
  dir: string;
}

/** Hidden temporaries: `.seedwatch-<name>.<random>.part`; older than this, one is debris. */
const TEMP_PREFIX = ".seedwatch-";
const STALE_TEMP_MS = 3600_000;

const REASONS: Record<string, string> = {
  ENOSPC: "the disk is full",
  EDQUOT: "the disk quota is used up",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EROFS: "the filesystem is read-only",
  ENOENT: "the directory does not exist",
  ENOTDIR: "it is not a directory",
  EIO: "an I/O error",
};

export class WatchDirSeedbox implements Seedbox {
  readonly kind = "watch" as const;
  readonly name: string;

  constructor(private readonly o: WatchDirOptions) {
    this.name = o.name;
  }

  async handOff(t: TorrentFile): Promise<Accepted> {
    const meta = checkMetainfo(t);
    const final = joinPath(this.o.dir, torrentFileName(t));
    const temp = joinPath(this.o.dir, `${TEMP_PREFIX}${torrentFileName(t)}.${crypto.randomUUID().slice(0, 8)}.part`);
    let fd: number | undefined;
    try {
      fd = openSync(fsPath(temp), "wx", 0o644);
      for (let off = 0; off < t.bytes.length; ) off += writeSync(fd, t.bytes, off, t.bytes.length - off);
      fsyncSync(fd);
      closeSync(fd);
      fd = undefined;
      renameSync(fsPath(temp), fsPath(final));
      this.syncDir();
    } catch (err) {
      if (fd !== undefined) closeSync(fd);
      try {
        unlinkSync(fsPath(temp));
      } catch {
        // never created, or already renamed
      }
      throw this.refusal(`write ${label(t)}`, err);
    }
    this.sweep();
    return { infoHash: meta.infoHash.toLowerCase() };
  }

  async progress(_infoHash: string): Promise<Progress> {
    return { state: "unknown" };
  }

  async close(): Promise<void> {}

  // --- internal ---

  /** The rename is durable once the directory itself is flushed. */
  private syncDir(): void {
    const fd = openSync(fsPath(this.o.dir), "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** Remove hidden temporaries left by a crash long ago; best effort. */
  private sweep(): void {
    try {
      const now = Date.now();
      for (const n of readdirSync(fsPath(this.o.dir)))
        if (n.startsWith(TEMP_PREFIX) && n.endsWith(".part")) {
          const p = joinPath(this.o.dir, n);
          if (now - statSync(p).mtimeMs > STALE_TEMP_MS) unlinkSync(p);
        }
    } catch {
      // a temporary another worker is renaming right now, or a listing refused: not ours to fail on
    }
  }

  private refusal(what: string, err: unknown): HandOffError {
    const code = (err as NodeJS.ErrnoException).code ?? "";
    const why = REASONS[code] ? `${REASONS[code]} (${code})` : (err as Error).message;
    return new HandOffError(
      `cannot ${what} into the watch directory ${showPath(this.o.dir)} of ${this.name}: ${why}`,
      "retry",
    );
  }
}
