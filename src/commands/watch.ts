// seedwatch watch: inotifywait for people who cannot afford to miss a file.

import { EXIT, UsageError } from "../errors.ts";
import {
  compileFormat,
  DEFAULT_FORMAT,
  DEFAULT_TIMEFMT,
  encodePath,
  eventJson,
  hasEscapes,
  parseEventNames,
  type FsEvent,
} from "../events/index.ts";
import { log } from "../log.ts";
import { onSignals } from "../supervisor/index.ts";
import { InotifyWatcher, makeFilter, PollWatcher, type Watcher } from "../watch/index.ts";
import { defineVerb } from "./args.ts";
import { applyLogArgs, LOG_ARGS } from "./logging-args.ts";
import { positiveNumber, wholeNumber } from "./numbers.ts";
import { ExecQueue } from "./watch-exec.ts";

export default defineVerb({
  name: "watch",
  description: "Print filesystem events as they happen (like inotifywait -m), or run a command for each",
  args: {
    paths: { type: "positional", variadic: true, valueHint: "PATH...", description: "directories to watch" },
    recursive: { type: "boolean", alias: "r", description: "watch sub-directories too, including new ones" },
    events: {
      type: "list",
      alias: "e",
      valueHint: "EVENT,...",
      description:
        "events to report: create, close_write, moved_to, delete, … or IN_* names; " +
        "'all' for everything (default: every change, no reads)",
    },
    exclude: {
      type: "list",
      valueHint: "RE",
      description:
        "skip paths matching this regular expression (searched in the full path); " +
        "excluded directories are not descended into",
    },
    include: { type: "list", valueHint: "RE", description: "report only paths matching this regular expression" },
    excludeGlob: {
      type: "list",
      valueHint: "GLOB",
      description: "skip paths matching this glob ('*.part'; with a '/' it matches the full path)",
    },
    includeGlob: { type: "list", valueHint: "GLOB", description: "report only paths matching this glob" },
    format: {
      type: "string",
      valueHint: "FMT",
      description:
        "output format: %w dir/, %f name, %e events, %Xe events joined by X, %T time, %p path, %k kind, " +
        `%o move source (default '${DEFAULT_FORMAT}')`,
    },
    timefmt: {
      type: "string",
      valueHint: "FMT",
      description: `strftime format for %T in --format (default '${DEFAULT_TIMEFMT}')`,
    },
    json: { type: "boolean", description: "one JSON object per event: time, kind, path, events, dir, root, from/to" },
    exec: {
      type: "string",
      valueHint: "CMD",
      description:
        "run CMD per event, no shell: {path} {name} {events} {kind} {from} … are replaced inside its words; " +
        "without placeholders the path is appended. Values are also in $SEEDWATCH_PATH, $SEEDWATCH_EVENTS, …",
    },
    jobs: { type: "string", valueHint: "N", description: "with --exec: how many commands may run at once (default 1)" },
    timeout: { type: "string", valueHint: "SECONDS", description: "with --exec: kill a command that runs longer" },
    poll: {
      type: "string",
      valueHint: "MS",
      description: "poll every MS milliseconds instead of inotify (NFS, SMB, FUSE)",
    },
    ...LOG_ARGS,
  },
  examples: `
EXAMPLES
  seedwatch watch -r ~/downloads
      print every change below ~/downloads, including new sub-directories
  seedwatch watch -r -e close_write,moved_to --format '%w%f' /srv/incoming
      one path per finished file
  seedwatch watch -r --json -e create /data | jq -r .path
  seedwatch watch -r -e close_write --exclude-glob '*.part' --exec 'rclone copy {path} remote:inbox' ~/done

NOTES
  Files that appear inside a directory just created or moved in are reported too
  (flagged "synthetic" in --json), so 'mkdir -p a/b && touch a/b/f' always reports f.
  A move inside the watched tree is reported as IN_MOVED_FROM and IN_MOVED_TO; --json
  gives the IN_MOVED_TO half a "from" field. If the kernel's queue overflows, an
  IN_Q_OVERFLOW line is printed and every directory is listed again.
  Runs until SIGINT or SIGTERM (exit 0); exits 4 when every watched directory is gone.
  On SIGTERM, --exec commands already running finish; queued ones are dropped (the log
  says how many).`,
  async run(a) {
    applyLogArgs(a);
    const { events, filter, exec, print } = configure(a);
    let finish!: (code: number) => void;
    const done = new Promise<number>((resolve) => (finish = resolve));
    const onEvent = (ev: FsEvent) => {
      if (exec) exec.push(ev);
      else print!(ev);
      if (ev.kind === "gone" && watcher.roots().length === 0) {
        log.withTag("watch").error(`nothing left to watch: ${ev.path} is gone`);
        finish(EXIT.notFound);
      }
    };
    const watcher: Watcher =
      a.poll === undefined
        ? new InotifyWatcher({ onEvent })
        : new PollWatcher({ onEvent }, wholeNumber(a.poll, "--poll", 1, 1000));
    try {
      for (const path of a.paths) await watcher.add(path, { recursive: a.recursive, events, filter });
    } catch (err) {
      await watcher.close();
      throw err;
    }
    const s = watcher.stats();
    log
      .withTag("watch")
      .info(
        `watching ${s.watches} director${s.watches === 1 ? "y" : "ies"}` +
          `${a.poll ? ` (polling every ${a.poll} ms)` : ""}${s.degraded ? `; ${s.degraded} left out` : ""}`,
      );

    const stop = (why: string) => {
      log.withTag("watch").debug(`${why}, stopping`);
      finish(EXIT.ok);
    };
    const stopListening = onSignals({ stop }, process);
    readerGone = () => finish(EXIT.ok); // `| head` has read what it wanted
    const code = await done;
    stopListening();
    await watcher.close();
    await exec?.drain();
    await flushStdout();
    return code;
  },
});

// --- internal ---

interface WatchArgs {
  json: boolean;
  format: string | undefined;
  events: string[];
  exclude: string[];
  include: string[];
  excludeGlob: string[];
  includeGlob: string[];
  exec: string | undefined;
  jobs: string | undefined;
  timeout: string | undefined;
  timefmt: string | undefined;
}

/** Validate the options and build what they describe; every mistake is a SeedError. */
function configure(a: WatchArgs) {
  if (a.json && a.format !== undefined)
    throw new UsageError(
      "--json and --format exclude each other",
      "use --json for machines, --format for people and shell loops",
    );
  refuseIdleOptions(a);
  const events = parseEventNames(a.events.length ? a.events : ["changes"], "--events");
  const filter = makeFilter({
    exclude: a.exclude,
    include: a.include,
    excludeGlob: a.excludeGlob,
    includeGlob: a.includeGlob,
  });
  const timeoutMs = a.timeout === undefined ? undefined : positiveNumber(a.timeout, "--timeout", 30) * 1000;
  const exec =
    a.exec === undefined ? undefined : new ExecQueue(a.exec, wholeNumber(a.jobs ?? "1", "--jobs", 1, 4), timeoutMs);
  const print = exec
    ? undefined
    : printer(a.json ? undefined : (a.format ?? DEFAULT_FORMAT), a.timefmt ?? DEFAULT_TIMEFMT);
  return { events, filter, exec, print };
}

/**
 * An option that would change nothing in the mode chosen is a mistake, not a no-op:
 * `--jobs abc` without --exec used to be accepted and ignored.
 */
function refuseIdleOptions(a: WatchArgs): void {
  if (a.exec === undefined) {
    for (const [flag, given] of [
      ["--jobs", a.jobs],
      ["--timeout", a.timeout],
    ] as const) {
      if (given !== undefined)
        throw new UsageError(
          `${flag} only applies with --exec`,
          `add --exec CMD to run a command per event, or drop ${flag}`,
        );
    }
  } else {
    for (const [flag, given] of [
      ["--format", a.format !== undefined],
      ["--json", a.json],
      ["--timefmt", a.timefmt !== undefined],
    ] as const) {
      if (given)
        throw new UsageError(
          `${flag} has no effect with --exec: nothing is printed`,
          "the command gets each event as {path} {events} {kind} … and $SEEDWATCH_PATH, $SEEDWATCH_EVENTS, …",
        );
    }
  }
  if (a.timefmt !== undefined && !(a.format ?? "").includes("%T")) {
    throw new UsageError(
      "--timefmt only applies to %T in --format",
      a.json ? "--json always gives the time as ISO 8601" : "e.g. --format '%T %w%f' --timefmt '%H:%M:%S'",
    );
  }
}

const out = Bun.stdout.writer();
let pending = "";
/** Standard output was closed by its reader: the watch ends (exit 0). */
let readerGone = () => {};

/**
 * Lines are gathered into one string per batch of events (one inotify read) and written
 * once, on a microtask: a third of the cost of a write per line, and no added latency.
 * (Throttling flushes further during bursts was measured: no gain.) A line holding bytes
 * that are not UTF-8 goes out as exact bytes.
 */
function printer(format: string | undefined, timefmt: string): (ev: FsEvent) => void {
  const line = format === undefined ? eventJson : compileFormat(format, timefmt);
  const needsTime = format === undefined || format.includes("%T");
  const noTime = new Date(0);
  return (ev) => {
    const text = `${line(ev, needsTime ? new Date() : noTime)}\n`;
    if (hasEscapes(text)) {
      try {
        writePending();
        out.write(encodePath(text));
      } catch {
        return readerGone();
      }
      queueMicrotask(flushSoon);
    } else {
      if (pending === "") queueMicrotask(flushSoon);
      pending += text;
    }
  };
}

function writePending(): void {
  if (pending === "") return;
  out.write(pending);
  pending = "";
}

/**
 * Write what is pending; false when the reader has gone away (`| head`). Never throws:
 * Bun throws EPIPE from flush() itself, not through its promise.
 */
async function flushed(): Promise<boolean> {
  try {
    writePending();
    await out.flush();
    return true;
  } catch {
    return false;
  }
}

function flushSoon(): void {
  void flushed().then((ok) => ok || readerGone());
}

async function flushStdout(): Promise<void> {
  await flushed();
}
