// Entry point: pick the verb, print help or version, run it, and own the exit path:
// a SeedError becomes one line, a hint and its exit code; anything else is a bug and
// prints its stack with exit code 1. Verbs are imported lazily, so `seedwatch watch`
// never loads the rtorrent or queue code.

import { closest } from "./config/keys.ts";
import { EXIT, SeedError, UsageError } from "./errors.ts";
import { versionLine } from "./version.ts";
import { losslessArgs } from "./commands/cmdline.ts";
import { provideSeedwatchApi } from "./commands/user-api.ts";
import { print, runVerb, type VerbEntry } from "./commands/verbs.ts";

/** The verbs; torrents and service have sub-verbs (commands/verbs.ts), each a file. */
const VERBS: Record<string, VerbEntry> = {
  watch: { describe: "print or act on filesystem events, like inotifywait", load: () => import("./commands/watch.ts") },
  run: {
    describe: "run a rules file: watches, delayed tasks, shell commands, move/copy/delete",
    load: () => import("./commands/run.ts"),
  },
  service: {
    describe: "install or remove the systemd/OpenRC service that runs a config",
    load: () => import("./commands/service.ts"),
  },
  rtorrent: {
    describe: "index rtorrent's session, run hooks, remove erased torrents' data",
    load: () => import("./commands/rtorrent.ts"),
  },
  torrents: {
    describe: "ask the rtorrent index: list, show, owner PATH, orphans PATHS",
    load: () => import("./commands/torrents.ts"),
  },
  init: {
    describe: "write types and examples for rtorrent hooks and run configs",
    load: () => import("./commands/init.ts"),
  },
  doctor: { describe: "check this machine: libc, inotify and its limits", load: () => import("./commands/doctor.ts") },
  queue: {
    describe: "a download queue shared by seedboxes: serve, work, import, token, status, ls, identify",
    load: () => import("./commands/queue.ts"),
  },
};

/** Each exit code in a few words; typed by EXIT's keys, so a new code cannot be left out of the help. */
const EXIT_WORDS: Record<keyof typeof EXIT, string> = {
  ok: "ok",
  usage: "usage",
  config: "bad value",
  notFound: "path not found",
  notDirectory: "not a directory",
  permission: "permission denied",
  watchLimit: "inotify limit reached",
  native: "system error",
  hook: "hook failed",
  http: "an HTTP peer failed",
  database: "database unusable",
  hookHung: "user code blocked past its timeout",
  unidentified: "queue identify: a path not matched",
  interrupted: "interrupted",
  internal: "bug",
};

/** "Exit codes: 0 ok, 2 usage, …, 1 bug." in lines of at most 80 columns. */
function exitCodes(): string {
  const keys = (Object.keys(EXIT_WORDS) as (keyof typeof EXIT)[])
    .filter((k) => k !== "internal")
    .sort((a, b) => EXIT[a] - EXIT[b]);
  const items = [...keys, "internal" as const].map((k) => `${EXIT[k]} ${EXIT_WORDS[k]}`);
  const lines = ["Exit codes:"];
  for (const [i, item] of items.entries()) {
    const text = `${item}${i === items.length - 1 ? "." : ","}`;
    if (lines.at(-1)!.length + 1 + text.length > 80) lines.push(text);
    else lines[lines.length - 1] += ` ${text}`;
  }
  return lines.join("\n");
}

const ROOT_HELP = `seedwatch — inotify automation for seedboxes and file servers

USAGE  seedwatch <command> [OPTIONS]

COMMANDS
${Object.entries(VERBS)
  .map(([name, v]) => `  ${name.padEnd(10)} ${v.describe}`)
  .join("\n")}

  seedwatch <command> --help   options and examples for one command (and its
                               sub-commands: seedwatch torrents show --help)
  seedwatch --version          version, git revision and Bun version

${exitCodes()}
`;

/** Verbs that run until stopped. */
const DAEMONS = new Set(["watch", "rtorrent", "run"]);

/**
 * While a Bun process waits on a file descriptor, Bun wakes it every second to consider
 * an idle garbage collection (it reads /proc/self/statm): about 0.5 ms of CPU a second,
 * and a wake-up that keeps the core from sleeping (measured in bench/RESULTS.md). A
 * watcher that waits for days should cost nothing, so long-running verbs re-exec the
 * binary once (same pid, same arguments) with that timer off. JSC still collects as
 * allocation demands. Only the compiled binary does this; `bun src/main.ts` does not.
 */
function quietRuntime(verb: string): void {
  if (!DAEMONS.has(verb) || process.env.BUN_GC_TIMER_DISABLE || !Bun.main.startsWith("/$bunfs/")) return;
  try {
    const env = { ...process.env, BUN_GC_TIMER_DISABLE: "1", SEEDWATCH_REEXEC: "1" };
    process.execve?.(process.execPath, [process.argv0, ...process.argv.slice(2)], env);
  } catch {
    // the binary was replaced or removed meanwhile: run as we are
  }
}

async function main(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb !== undefined) quietRuntime(verb);
  if (verb === undefined || verb === "help" || verb === "--help" || verb === "-h") {
    if (verb !== "help" || rest.length === 0) return print(ROOT_HELP);
    return main([...rest, "--help"]); // seedwatch help torrents show
  }
  if (verb === "--version" || verb === "-V") return print(`${versionLine()}\n`);
  const entry = Object.hasOwn(VERBS, verb) ? VERBS[verb] : undefined;
  if (!entry) {
    const near = closest(verb, Object.keys(VERBS));
    const hint = verb.startsWith("-")
      ? "options go after the command: seedwatch <command> [OPTIONS]"
      : `${near ? `did you mean ${near}? ` : ""}seedwatch --help lists the commands`;
    throw new UsageError(`unknown command ${JSON.stringify(verb)}`, hint);
  }
  return runVerb((await entry.load()).default, rest);
}

function report(err: unknown): number {
  if (err instanceof SeedError) {
    process.stderr.write(`seedwatch: ${err.message}\n${err.hint ? `hint: ${err.hint}\n` : ""}`);
    return err.exitCode;
  }
  const e = err as Error & { code?: string };
  if (e?.name === "CLIError") {
    process.stderr.write(`seedwatch: ${e.message}\nhint: seedwatch --help\n`);
    return EXIT.usage;
  }
  process.stderr.write(
    `seedwatch: internal error (a bug; please report it with this output)\n${e?.stack ?? String(err)}\n`,
  );
  return EXIT.internal;
}

function exit(code: number): void {
  process.exitCode = code;
  // A second SIGINT/SIGTERM during a daemon's shutdown: the user wants out now (the
  // supervisor has already ended running commands' process groups).
  if (code === EXIT.interrupted) process.exit(code);
  // Let stdout drain and handles close on their own; a handle left open by a library
  // must not keep a finished command alive.
  setTimeout(() => process.exit(code), 2000).unref();
}

provideSeedwatchApi(); // what user files import from "seedwatch", and a run config's keys
main(losslessArgs(process.argv.slice(2))).then(exit, (err) => exit(report(err)));
