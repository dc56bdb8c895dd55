// The text of seedwatch.d.ts, written by `seedwatch init`: types for hook files,
// self-contained (no @types/bun needed in the user's folder).

export const SEEDWATCH_DTS = `// Types for files that seedwatch loads (hooks). Written by \`seedwatch init\`.
// In a hook file:  import { defineHooks, type RmTuple } from "seedwatch";

declare module "seedwatch" {
  /** The index: a bun:sqlite Database (tables torrent_data and session_files). */
  export interface Database {
    query<Row = Record<string, unknown>>(sql: string): {
      all(...params: unknown[]): Row[];
      get(...params: unknown[]): Row | null;
      run(...params: unknown[]): { changes: number };
    };
    run(sql: string, ...params: unknown[]): { changes: number };
    transaction<F extends (...args: never[]) => unknown>(fn: F): F;
  }

  /** The command line as parsed (camelCase keys: remove, noAction, paths, …). */
  export type Args = Record<string, unknown>;

  /** rtorrent_event's queues: "complete" plus any a pre_loop hook adds. */
  export type Queues = Record<string, string[]>;

  export interface RmTuple {
    name: string;
    tracker: string;
    hash: string;
    /** Files removed (with -n: that would have been); empty without -r. */
    rmfiles: string[];
    /** Every file of the torrent. */
    torfiles: string[];
    /** The session files' bytes as last indexed. */
    tor: Uint8Array | null;
    ltor: Uint8Array | null;
    rtor: Uint8Array | null;
  }

  export type QueueFunction = (db: Database, path: string, args: Args, queues: Queues) => unknown;

  export interface Hooks {
    /** Before a new torrent is indexed. \`file\` is its <HASH>.torrent in the session. */
    pre_add?(db: Database, file: string, args: Args): unknown;
    /** After it is indexed. */
    post_add?(db: Database, file: string, args: Args): unknown;
    /** Before an erased torrent leaves the index (its rows are still there). */
    pre_remove?(db: Database, file: string, args: Args): unknown;
    /** After it left the index, and after its files were removed (-r). */
    post_remove?(db: Database, file: string, args: Args, rm: RmTuple): unknown;
    /** Once per completion. \`path\` is <HASH>.complete (or .torrent); push it back onto queues.complete to retry. */
    complete?(db: Database, path: string, args: Args, queues: Queues): unknown;
    /** Once before watching: add queues, queue functions, or handlers keyed "<ext> <IN_NAME>". */
    pre_loop?(db: Database, watcher: unknown, args: Args, queues: Queues, qfuncs: Record<string, QueueFunction>, inotifyFuncs: Map<string, (path: string) => unknown>): unknown;
    /** On SIGINT, SIGTERM and normal exit. */
    post_loop?(db: Database, watcher: unknown, args: Args): unknown;
  }

  export function defineHooks<T extends Hooks>(hooks: T): T;
  export const VERSION: string;
}
`;

export const HOOKS_EXAMPLE = `// seedwatch rtorrent --hooks hooks.ts …   (types: seedwatch.d.ts, written beside this file)
import { defineHooks, type RmTuple } from "seedwatch";

export default defineHooks({
  post_add(db, file) {
    const row = db.query<{ name: string }>("SELECT name FROM torrent_data WHERE hash = ?").get(file.slice(-48, -8));
    console.log("added", row?.name);
  },
  post_remove(db, file, args, rm: RmTuple) {
    console.log("removed", rm.name, "files deleted:", rm.rmfiles.length);
  },
  async complete(db, path, args, queues) {
    console.log("complete", path);
  },
});
`;

export const TSCONFIG = `{
  "compilerOptions": { "strict": true, "target": "esnext", "module": "esnext", "moduleResolution": "bundler", "types": [], "noEmit": true },
  "include": ["*.ts"]
}
`;
