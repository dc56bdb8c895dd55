// Mirror in a config: new Mirror({ destination, delete?, exclude?, owner? }), its
// validation (pure), the checks that need the disk (a destination inside its source, or
// the source inside its destination, is refused: by run and by --check), and how one is
// attached to a watched root: a LocalReplica, or the system's rsync for a remote one.

import { resolve } from "node:path";
import { rejectUnknownKeys } from "../../config/keys.ts";
import { ConfigError } from "../../errors.ts";
import { resolved, within } from "../../fs/confined.ts";
import { log } from "../../log.ts";
import type { Builtin, BuiltinHost } from "../builtins.ts";
import type { AttachedPlugin } from "../plugin.ts";
import { makeExcludes } from "./exclude.ts";
import { LocalReplica } from "./local.ts";
import { MIRROR_EVENTS, MirrorPlugin } from "./mirror.ts";
import { parseRemote, RsyncReplica, type Remote } from "./remote.ts";

export interface MirrorOptions {
  /**
   * A folder (any local filesystem: a second disk, an NFS or SSHFS mount), rsync://HOST[:PORT]/MODULE/PATH,
   * or HOST:PATH.
   */
  destination: string;
  /** Remove from the destination what the source no longer has (default true). */
  delete?: boolean;
  /** rsync-style patterns (relative to the watched folder) left out of the mirror; RegExps for local destinations. */
  exclude?: (string | RegExp)[];
  /** Also mirror owner and group; only when running as root. */
  owner?: boolean;
  /** For HOST:PATH: the remote shell rsync runs (rsync -e), default ssh. */
  rsh?: string;
}

/** A live replica of the watched folder: new Mirror({ destination: "/backup/data" }). */
export class Mirror {
  constructor(readonly options: MirrorOptions) {}
}

interface Valid {
  destination: string;
  remote: Remote | undefined;
  delete: boolean;
  exclude: (string | RegExp)[];
  owner: boolean;
  rsh: string | undefined;
}

const KEYS = ["destination", "delete", "exclude", "owner", "rsh"];
const HINT = 'e.g. new Mirror({ destination: "/backup/data", exclude: ["*.part", "/tmp/"] })';

export const MIRROR: Builtin = {
  name: "mirror",
  cls: Mirror,
  validate(options, field) {
    if (typeof options !== "object" || options === null)
      throw new ConfigError("must have options", field, options, HINT);
    rejectUnknownKeys(options, KEYS, field);
    const o = options as MirrorOptions;
    if (typeof o.destination !== "string" || o.destination === "")
      throw new ConfigError("must be a folder, rsync://… or HOST:PATH", `${field}.destination`, o.destination, HINT);
    for (const k of ["delete", "owner"] as const)
      if (o[k] !== undefined && typeof o[k] !== "boolean")
        throw new ConfigError("must be true or false", `${field}.${k}`, o[k]);
    const exclude = o.exclude ?? [];
    if (!Array.isArray(exclude) || exclude.some((p) => typeof p !== "string" && !(p instanceof RegExp)))
      throw new ConfigError("must be a list of patterns", `${field}.exclude`, o.exclude, HINT);
    const remote = parseRemote(o.destination, `${field}.destination`);
    if (remote && exclude.some((p) => p instanceof RegExp))
      throw new ConfigError("rsync takes patterns, not RegExps", `${field}.exclude`, o.exclude, "use rsync patterns");
    if (o.rsh !== undefined && (typeof o.rsh !== "string" || remote?.kind !== "shell"))
      throw new ConfigError(
        "is for HOST:PATH destinations: a command",
        `${field}.rsh`,
        o.rsh,
        'e.g. rsh: "ssh -p 2222"',
      );
    const valid: Valid = {
      destination: o.destination,
      remote,
      delete: o.delete ?? true,
      exclude,
      owner: o.owner ?? false,
      rsh: o.rsh,
    };
    return { kind: "mirror", label: "mirror", options: valid };
  },
  events: () => MIRROR_EVENTS,
  check(options, watch, roots, field, configDir) {
    const o = options as Valid;
    if (!watch.rec || !watch.autoAdd)
      throw new ConfigError(
        "needs a recursive watch",
        field,
        undefined,
        "new Watch({ path, rec: true, auto_add: true, plugins: [new Mirror(…)] })",
      );
    if (roots.length !== 1)
      throw new ConfigError(
        `mirrors one folder, but the watch has ${roots.length} (${roots.join(", ") || "none now"})`,
        field,
        roots,
        "one Watch per mirrored folder",
      );
    if (o.remote) return;
    const dst = resolvedAsFarAsItExists(resolve(configDir, o.destination));
    const src = resolved(roots[0]!) ?? roots[0]!;
    if (within(dst, src) || within(src, dst))
      throw new ConfigError(
        `${dst === src ? "is" : within(dst, src) ? "lies inside" : "holds"} ` +
          `the watched folder ${src}: the mirror would copy itself`,
        `${field}.destination`,
        o.destination,
        "mirror to a folder beside the source, not inside it (nor around it)",
      );
  },
  attach(options, host) {
    return attachMirror(options as Valid, host);
  },
};

// --- internal ---

function attachMirror(o: Valid, host: BuiltinHost): AttachedPlugin {
  const excludes = makeExcludes(o.exclude);
  const owner = o.owner && process.getuid?.() === 0;
  if (o.owner && !owner)
    log.withTag("mirror").warn(`${host.root}: owner: true needs root; owners and groups are not mirrored`);
  const replica = o.remote
    ? new RsyncReplica({ source: host.root, remote: o.remote, delete: o.delete, excludes, owner, rsh: o.rsh })
    : new LocalReplica({
        source: host.root,
        destination: resolve(host.configDir, o.destination),
        delete: o.delete,
        owner,
        excludes,
      });
  return new MirrorPlugin(replica, excludes, host);
}

/** The path with symlinks resolved in the part of it that exists now. */
function resolvedAsFarAsItExists(path: string): string {
  const tail: string[] = [];
  for (let p = path; ; p = p.slice(0, p.lastIndexOf("/")) || "/") {
    const r = resolved(p);
    if (r !== undefined) return [r, ...tail.reverse()].join("/").replace(/\/+/g, "/");
    if (p === "/") return path;
    tail.push(p.slice(p.lastIndexOf("/") + 1));
  }
}
