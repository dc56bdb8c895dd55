// seedwatch rtorrent: rtorrent_event's command line, index and hooks, without its bugs.

import { realpathSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { nativeError } from "../errors.ts";
import { realClock } from "../clock.ts";
import { DEFAULT_HOOK_TIMEOUT_S } from "../hooks/call.ts";
import { addLogFile, log } from "../log.ts";
import type { TrackerSetup } from "../rtorrent/open.ts";
import { indexOnce } from "../rtorrent/once.ts";
import { TrackerService } from "../rtorrent/service.ts";
import { onSignals, Supervisor } from "../supervisor/index.ts";
import { InotifyWatcher } from "../watch/index.ts";
import { dataDir, indexPath } from "../xdg.ts";
import { defineVerb } from "./args.ts";
import { indexView, progressBar, reportIndex } from "./index-view.ts";
import { applyLogArgs, LOG_ARGS } from "./logging-args.ts";
import { wholeNumber } from "./numbers.ts";

export default defineVerb({
  name: "rtorrent",
  description:
    "Index rtorrent's session directory in SQLite, run hooks on add, remove and completion, " +
    "and safely remove erased torrents' data",
  args: {
    session: { type: "positional", valueHint: "SESSION", description: "rtorrent's session directory" },
    paths: {
      type: "positional",
      variadic: true,
      required: false,
      valueHint: "PATHS...",
      description: "download roots: removal never goes outside them; --clean checks them",
    },
    clean: {
      type: "boolean",
      description:
        "reconcile the index with the session and PATHS once, then exit " +
        "(refused while rtorrent runs; with -r, also delete files under PATHS that no torrent owns)",
    },
    force: { type: "boolean", alias: "f", description: "--clean even if rtorrent.lock looks held" },
    noAction: {
      type: "boolean",
      alias: "n",
      also: ["dry-run"],
      description: "change nothing at all (files and database) and print exactly what would be done",
    },
    remove: {
      type: "boolean",
      alias: "r",
      description: "when a torrent is erased, delete its files that no other torrent uses (same path or same inode)",
    },
    hooks: {
      type: "list",
      valueHint: "FILE",
      description:
        "a .ts or .js file exporting pre_add, post_add, pre_remove, post_remove, complete, pre_loop, post_loop",
    },
    sqlFile: {
      type: "string",
      valueHint: "FILE",
      also: ["db"],
      description:
        `the index (default: ${"$XDG_DATA_HOME"}/seedwatch/rtorrent.db, ` +
        "i.e. ~/.local/share/seedwatch/rtorrent.db)",
    },
    logFile: {
      type: "string",
      valueHint: "FILE",
      description: "also log to this file (default: ~/.local/share/seedwatch/rtorrent.log)",
    },
    noLog: { type: "boolean", description: "no log file" },
    once: { type: "boolean", description: "reconcile, run pending completions, and exit with a status (for cron)" },
    trash: { type: "string", valueHint: "DIR", description: "with -r: move files into DIR instead of deleting them" },
    maxDelete: {
      type: "string",
      valueHint: "N",
      description: "with -r: never delete more than N files in one run; a run that would is stopped and says so",
    },
    hookTimeout: {
      type: "string",
      valueHint: "SECONDS",
      default: String(DEFAULT_HOOK_TIMEOUT_S),
      description:
        "a hook still running after this long is logged and the index goes on; " +
        "one that blocks seedwatch itself this long (a synchronous loop) ends it with exit 12, " +
        "and is skipped for that torrent from then on",
    },
    daemon: {
      type: "boolean",
      alias: "d",
      description: "accepted for rtorrent_event compatibility: run under systemd, or from cron with --once",
    },
    sleep: {
      type: "string",
      valueHint: "SECONDS",
      description: "accepted for rtorrent_event compatibility; not needed (events are handled as they come)",
    },
    ...LOG_ARGS,
  },
  examples:
    `
EXAMPLES
  seedwatch rtorrent ~/.session ~/downloads
      index the session and keep it up to date until stopped
  seedwatch rtorrent --once -r --max-delete 500 ~/.session ~/downloads
      from cron: catch up, delete erased torrents' unshared data, exit
  seedwatch rtorrent --clean -n -r ~/.session ~/downloads
      show which files under ~/downloads no torrent owns, touching nothing

COMPLETION
  Add to rtorrent.rc so every completion leaves a marker that survives restarts:
    method.set_key = event.download.finished, seedwatch_complete, ` +
    `"execute.nothrow=touch,(cat,(session.path),(d.hash),.complete)"
  Without it, the complete hook still runs when .rtorrent's complete flag turns to 1
  (rtorrent writes that at its next session save).

HOOKS
  export function post_add(db, file, args) { … }      // positional, as in rtorrent_event
  export function post_remove(db, file, args, rm) { … } // rm: name, tracker, hash, rmfiles, torfiles, tor, ltor, rtor
  export function complete(db, path, args, queues) { … } // push path onto queues.complete to retry later
  db is a bun:sqlite Database (torrent_data, session_files); types: seedwatch init.`,
  async run(a) {
    applyLogArgs(a);
    if (a.daemon || a.sleep !== undefined)
      log
        .withTag("rtorrent")
        .warn("-d/--daemon and --sleep are not needed: run under systemd, or from cron with --once");
    const session = directory(a.session!, "SESSION"); // required: the parser has checked
    const roots = a.paths.map((p) => directory(p, "PATHS"));
    if (!a.noLog && !a.noAction) addLogFile(a.logFile ?? join(dataDir(), "rtorrent.log"));
    const setup: TrackerSetup = {
      session,
      roots,
      db: resolve(a.sqlFile ?? indexPath()),
      hookFiles: a.hooks,
      remove: a.remove,
      trash: a.trash === undefined ? undefined : resolve(a.trash),
      maxDelete: a.maxDelete === undefined ? undefined : wholeNumber(a.maxDelete, "--max-delete", 0, 100),
      hookTimeoutMs: wholeNumber(a.hookTimeout, "--hook-timeout", 0, DEFAULT_HOOK_TIMEOUT_S) * 1000,
      args: { ...a },
    };
    if (a.once || a.clean) return once(setup, a.clean, a.force, a.noAction);
    return watch(setup, a.noAction);
  },
});

/** -n prints what it would do on standard output. */
const print = (line: string) => void process.stdout.write(`${line}\n`);

/** --once, --clean: reconcile, print the summary, exit with its status. */
async function once(setup: TrackerSetup, clean: boolean, force: boolean, dryRun: boolean): Promise<number> {
  const { summary, code } = await indexOnce({ ...setup, clean, force, dryRun, print, progress: progressBar() });
  reportIndex(summary, dryRun);
  return code;
}

/** The daemon: the tracker as the one service of a supervisor, until SIGINT/SIGTERM or the session goes away. */
async function watch(setup: TrackerSetup, dryRun: boolean): Promise<number> {
  const supervisor = new Supervisor({ makeWatcher: (h) => new InotifyWatcher(h), clock: realClock, tag: "rtorrent" });
  const options = { view: indexView(), ...(dryRun ? { dryRun: { print } } : {}) };
  await supervisor.add([new TrackerService(setup, options)]);
  const stopListening = onSignals({ stop: (why) => supervisor.stop(why) }, process); // SIGHUP: no reload here
  try {
    return await supervisor.run();
  } finally {
    stopListening();
  }
}

function directory(path: string, what: string): string {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch {
    throw nativeError("open", "ENOENT", path, `${what} must be an existing directory`);
  }
  if (!st.isDirectory()) throw nativeError("open", "ENOTDIR", path, `${what} must be a directory`);
  return realpathSync(path);
}
