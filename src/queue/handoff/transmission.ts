// Hand-off to Transmission over its RPC (JSON over HTTP, spec: transmission's rpc-spec.md).
//
// Every call carries the session id the daemon hands out: the first call (and any after
// the daemon restarts) answers 409 with `X-Transmission-Session-Id`, and the call is sent
// again with it. `torrent-add` sends the file itself (base64 `metainfo`), so nothing
// depends on a path the daemon can see; "torrent-duplicate" (or the older "duplicate
// torrent" result) means the torrent is already there, which a retried hand-off expects.
// A result that names the file ("invalid or corrupt torrent file") fails the download;
// anything about the daemon (down, refusing the credentials, a timeout) is a retry.

import { checkMetainfo, label } from "./metainfo.ts";
import { type Accepted, HandOffError, type Progress, type Seedbox, type TorrentFile } from "./types.ts";

export interface TransmissionOptions {
  name: string;
  /** The RPC URL; a bare http://host:port gets Transmission's /transmission/rpc. */
  url: string;
  username: string | undefined;
  password: string | undefined;
  /** Where the data goes; the daemon's own download-dir when undefined. */
  directory: string | undefined;
  /** Per call (default 60 s): a daemon that hangs is a retry, not a stuck worker. */
  timeoutMs?: number;
}

/** The fields progress and hand-off read (torrent-get). */
const FIELDS = ["hashString", "name", "downloadDir", "percentDone", "status", "error", "errorString"];
/** torrent-get `status`: 1 queued to check, 2 checking. */
const CHECKING = new Set([1, 2]);
/** torrent-get `error`: 3 is a local error (disk full, permissions), the only one about this box. */
const LOCAL_ERROR = 3;

interface TorrentRow {
  hashString: string;
  name: string;
  downloadDir: string;
  percentDone: number;
  status: number;
  error: number;
  errorString: string;
}

export class TransmissionSeedbox implements Seedbox {
  readonly kind = "transmission" as const;
  readonly name: string;
  private readonly url: string;
  private readonly auth: string | undefined;
  private session = "";

  constructor(private readonly o: TransmissionOptions) {
    this.name = o.name;
    const u = new URL(o.url);
    if (u.pathname === "/" || u.pathname === "") u.pathname = "/transmission/rpc";
    // Credentials written in the URL are sent as basic auth and never shown in a message.
    const user = o.username ?? (u.username ? decodeURIComponent(u.username) : undefined);
    const pass = o.password ?? (u.password ? decodeURIComponent(u.password) : "");
    this.auth = user === undefined ? undefined : `Basic ${Buffer.from(`${user}:${pass}`).toString("base64")}`;
    u.username = "";
    u.password = "";
    this.url = u.href;
  }

  async handOff(t: TorrentFile): Promise<Accepted> {
    const meta = checkMetainfo(t);
    const args: Record<string, unknown> = { metainfo: Buffer.from(t.bytes).toString("base64"), paused: false };
    if (this.o.directory !== undefined) args["download-dir"] = this.o.directory;
    const r = await this.rpc("torrent-add", args, (result) => {
      if (/duplicate/i.test(result)) return {}; // transmission before 2.80: a result, not an argument
      if (/invalid|corrupt/i.test(result))
        throw new HandOffError(`transmission on ${this.name} refused ${label(t)}: ${result}`, "fail");
      return undefined;
    });
    const added = (r["torrent-added"] ?? r["torrent-duplicate"]) as { hashString?: string } | undefined;
    if (added?.hashString !== undefined && added.hashString.toUpperCase() !== meta.infoHash)
      throw new HandOffError(
        `transmission on ${this.name} reports hash ${added.hashString} for ${label(t)} (${meta.infoHash})`,
        "fail",
      );
    const row = await this.row(meta.infoHash);
    if (!row) throw new HandOffError(`transmission on ${this.name} does not list ${label(t)} after adding it`, "retry");
    return { infoHash: row.hashString.toLowerCase(), directory: dataPath(row) };
  }

  async progress(infoHash: string): Promise<Progress> {
    const row = await this.row(infoHash.toUpperCase());
    if (!row) return { state: "missing" };
    if (row.error === LOCAL_ERROR)
      throw new HandOffError(`transmission on ${this.name}: ${row.name}: ${oneLine(row.errorString)}`, "retry");
    if (row.percentDone >= 1 && !CHECKING.has(row.status)) return { state: "complete", path: dataPath(row) };
    return { state: "downloading", done: CHECKING.has(row.status) ? 0 : Math.max(0, Math.min(1, row.percentDone)) };
  }

  async close(): Promise<void> {
    // fetch keeps no connection of ours open.
  }

  // --- internal ---

  private async row(hash: string): Promise<TorrentRow | undefined> {
    const r = await this.rpc("torrent-get", { ids: [hash.toLowerCase()], fields: FIELDS });
    const list = Array.isArray(r.torrents) ? (r.torrents as TorrentRow[]) : [];
    return list.find((x) => typeof x.hashString === "string" && x.hashString.toUpperCase() === hash);
  }

  /**
   * One call, with the 409 handshake. `onResult` sees a result other than "success": it
   * throws, returns arguments to go on with, or undefined (then: a retry with the result).
   */
  private async rpc(
    method: string,
    args: Record<string, unknown>,
    onResult?: (result: string) => Record<string, unknown> | undefined,
  ): Promise<Record<string, unknown>> {
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(this.url, {
          method: "POST",
          headers: this.headers(),
          body: JSON.stringify({ method, arguments: args }),
          signal: AbortSignal.timeout(this.o.timeoutMs ?? 60_000),
        });
      } catch (err) {
        throw this.refusal(`cannot reach it (${(err as Error).message})`, "is transmission-daemon running there?");
      }
      if (res.status === 409 && attempt === 0) {
        this.session = res.headers.get("x-transmission-session-id") ?? "";
        await res.body?.cancel();
        continue;
      }
      const text = await res.text();
      if (res.status === 401)
        throw this.refusal("refused the username and password (401)", "check seedboxes[].transmission's credentials");
      if (res.status === 403)
        throw this.refusal("refused this address (403)", "add it to rpc-whitelist in settings.json");
      if (!res.ok) throw this.refusal(`answered HTTP ${res.status}`, "is this URL Transmission's RPC?");
      let body: { result?: unknown; arguments?: unknown };
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        throw this.refusal("answered something that is not JSON", "is this URL Transmission's RPC?");
      }
      const result = String(body.result);
      const out = (typeof body.arguments === "object" && body.arguments !== null ? body.arguments : {}) as Record<
        string,
        unknown
      >;
      if (result === "success") return out;
      const handled = onResult?.(result);
      if (handled) return { ...out, ...handled };
      throw this.refusal(`${method}: ${oneLine(result)}`, "see transmission-daemon's log");
    }
  }

  private headers(): Record<string, string> {
    const h: Record<string, string> = { "content-type": "application/json", "x-transmission-session-id": this.session };
    if (this.auth) h.authorization = this.auth;
    return h;
  }

  private refusal(what: string, hint: string): HandOffError {
    return new HandOffError(`transmission on ${this.name} at ${this.url} ${what}; ${hint}`, "retry");
  }
}

function dataPath(r: TorrentRow): string {
  return r.downloadDir.endsWith("/") ? r.downloadDir + r.name : `${r.downloadDir}/${r.name}`;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}
