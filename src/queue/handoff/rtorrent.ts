// Hand-off to rtorrent over SCGI XML-RPC (a unix socket or HOST:PORT).
//
// Theory of operation: the file is checked first (metainfo.ts), then loaded with
// `load.raw` *stopped* and without any command string: rtorrent parses the commands a
// load carries on commas and quotes, so a directory or a site name holding one would
// reach another place. Once rtorrent lists the hash (a load is registered on its next
// main-loop turn, not before the call returns), the directory and the tag are set with
// their own calls, whose arguments are plain XML-RPC strings, and the download is
// started. Every step is idempotent: a hand-off retried after a crash halfway finds the
// hash loaded and finishes the job; one already started is left where it is.

import { HttpError } from "../../errors.ts";
import { RpcFault, type RpcValue, ScgiClient } from "../../rtorrent/xmlrpc.ts";
import { checkMetainfo, label, QUEUE_TAG_KEY, queueTag } from "./metainfo.ts";
import { type Accepted, HandOffError, type Progress, type Seedbox, type TorrentFile } from "./types.ts";

export interface RtorrentOptions {
  name: string;
  /** A unix socket path or HOST:PORT. */
  scgi: string;
  /** Where the data goes; rtorrent's own default directory when undefined. */
  directory: string | undefined;
  /** How long a load may take to show up in rtorrent's list (default 30 s). */
  registerTimeoutMs?: number;
}

/** rtorrent's view of one download, enough for a hand-off and for progress. */
interface Row {
  complete: boolean;
  active: boolean;
  hashing: boolean;
  completedBytes: number;
  sizeBytes: number;
  basePath: string;
  directory: string;
  name: string;
  multiFile: boolean;
}

const ROW_FIELDS = [
  "d.complete",
  "d.is_active",
  "d.hashing",
  "d.completed_bytes",
  "d.size_bytes",
  "d.base_path",
  "d.directory",
  "d.name",
  "d.is_multi_file",
] as const;
const POLL_MS = 20;

export class RtorrentSeedbox implements Seedbox {
  readonly kind = "rtorrent" as const;
  readonly name: string;
  private readonly rpc: ScgiClient;

  constructor(private readonly o: RtorrentOptions) {
    this.name = o.name;
    this.rpc = new ScgiClient(o.scgi);
  }

  async handOff(t: TorrentFile): Promise<Accepted> {
    const meta = checkMetainfo(t);
    const hash = meta.infoHash;
    let row = await this.row(hash);
    if (!row) {
      await this.call(`load ${label(t)}`, "load.raw", "", t.bytes);
      row = await this.waitRegistered(hash, t);
    }
    if (!row.active && !row.complete && !row.hashing && this.o.directory !== undefined)
      await this.call(`set the directory of ${label(t)}`, "d.directory.set", hash, this.o.directory);
    await this.call(`tag ${label(t)}`, "d.custom.set", hash, QUEUE_TAG_KEY, queueTag(t));
    if (!row.active) await this.call(`start ${label(t)}`, "d.start", hash);
    // d.custom.set and d.start reach the session directory only at the next save (every
    // 20 min by default); seedwatch's rtorrent index reads the tag from there.
    await this.call(`save the session of ${label(t)}`, "d.save_full_session", hash);
    const after = await this.row(hash);
    if (!after) throw new HandOffError(`rtorrent on ${this.name} dropped ${label(t)} right after loading it`, "retry");
    const reported = String(await this.call("read the hash", "d.hash", hash)).toUpperCase();
    if (reported !== hash)
      throw new HandOffError(`rtorrent on ${this.name} reports hash ${reported} for ${hash}`, "fail");
    return { infoHash: reported.toLowerCase(), directory: dataPath(after) };
  }

  async progress(infoHash: string): Promise<Progress> {
    const row = await this.row(infoHash.toUpperCase());
    if (!row) return { state: "missing" };
    if (row.complete && !row.hashing) return { state: "complete", path: dataPath(row) };
    return { state: "downloading", done: row.sizeBytes > 0 ? Math.min(1, row.completedBytes / row.sizeBytes) : 0 };
  }

  async close(): Promise<void> {
    // One connection per call: nothing stays open.
  }

  // --- internal ---

  /** The download, or undefined when rtorrent does not have this hash. */
  private async row(hash: string): Promise<Row | undefined> {
    let r: (RpcValue | RpcFault)[];
    try {
      r = await this.rpc.multicall(ROW_FIELDS.map((m) => [m, hash] as [string, RpcValue]));
    } catch (err) {
      throw this.unreachable("ask about a download", err);
    }
    const fault = r.find((x) => x instanceof RpcFault);
    if (fault) {
      if (/info.?hash|not find/i.test(fault.faultString)) return undefined;
      throw new HandOffError(`rtorrent on ${this.name}: ${fault.faultString} (reading ${hash})`, "retry");
    }
    const [complete, active, hashing, done, size, base, dir, name, multi] = r as RpcValue[];
    return {
      complete: Number(complete) === 1,
      active: Number(active) === 1,
      hashing: Number(hashing) !== 0,
      completedBytes: Number(done),
      sizeBytes: Number(size),
      basePath: String(base),
      directory: String(dir),
      name: String(name),
      multiFile: Number(multi) === 1,
    };
  }

  private async waitRegistered(hash: string, t: TorrentFile): Promise<Row> {
    const deadline = performance.now() + (this.o.registerTimeoutMs ?? 30_000);
    for (;;) {
      const row = await this.row(hash);
      if (row) return row;
      if (performance.now() > deadline)
        throw new HandOffError(
          `rtorrent on ${this.name} did not list ${label(t)} after load.raw ` +
            "(it rejects files it cannot use without saying why; see its log)",
          "retry",
        );
      await Bun.sleep(POLL_MS); // a load registers on rtorrent's next main-loop turn: poll for it
    }
  }

  /** One call; a fault is this torrent's (fail), anything else is the client's (retry). */
  private async call(what: string, method: string, ...params: RpcValue[]): Promise<RpcValue> {
    try {
      return await this.rpc.call(method, ...params);
    } catch (err) {
      if (err instanceof RpcFault)
        throw new HandOffError(`rtorrent on ${this.name} refused to ${what}: ${err.faultString}`, "fail");
      throw this.unreachable(what, err);
    }
  }

  private unreachable(what: string, err: unknown): HandOffError {
    const why = err instanceof HttpError ? err.message : `rtorrent at ${this.o.scgi}: ${(err as Error).message}`;
    const hint = err instanceof HttpError && err.hint ? ` (${err.hint})` : "";
    return new HandOffError(`cannot ${what} on ${this.name}: ${why}${hint}`, "retry");
  }
}

/** The data's path: a single file, or a multi-file torrent's top directory. */
function dataPath(r: Row): string {
  if (r.basePath) return r.basePath; // empty while the download is closed
  if (r.multiFile) return r.directory; // rtorrent's d.directory already ends in the torrent's name
  return r.directory.endsWith("/") ? r.directory + r.name : `${r.directory}/${r.name}`;
}
