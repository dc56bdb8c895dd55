// seedwatch init: types and an example for the files seedwatch loads.

import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { nativeError } from "../errors.ts";
import { join, resolve } from "node:path";
import { CONFIG_EXAMPLE, HOOKS_EXAMPLE, TSCONFIG, WORKER_EXAMPLE } from "./examples.ts";
import { seedwatchDts } from "./user-api.ts";
import { defineVerb } from "./args.ts";

export default defineVerb({
  name: "init",
  description:
    "Write seedwatch.d.ts (types for rtorrent hooks, run configs and queue workers), " +
    "an example hooks.ts, config.ts and worker.ts, and a tsconfig.json into DIR",
  args: {
    dir: {
      type: "positional",
      required: false,
      valueHint: "DIR",
      description: "where (default: the current directory)",
    },
    force: {
      type: "boolean",
      description: "overwrite the example and tsconfig.json too (seedwatch.d.ts is always refreshed)",
    },
    fromIobserver: {
      type: "string",
      valueHint: "IOBSERVERRC",
      description:
        "write config.ts converted from an iObserver rc file ([watches], " +
        "plugins = scribe, replica, scribe_log, replica_destination) instead of the example",
    },
  },
  examples: `
  seedwatch init ~/.config/seedwatch && seedwatch rtorrent --hooks ~/.config/seedwatch/hooks.ts ~/.session
  seedwatch init /etc/seedwatch && seedwatch run --check /etc/seedwatch/config.ts
  seedwatch init --from-iobserver ~/.iobserverrc ~/.config/seedwatch`,
  async run(a) {
    const dir = resolve(a.dir ?? ".");
    // Converted before anything is written: a malformed rc leaves DIR as it was.
    const converted =
      a.fromIobserver === undefined
        ? undefined
        : (await import("../plugins/iobserver.ts")).fromIobserver(
            readRc(a.fromIobserver),
            a.fromIobserver,
            process.cwd(),
          );
    makeDirectory(dir);
    const wrote: string[] = [];
    const put = (name: string, text: string, always: boolean) => {
      const path = join(dir, name);
      if (existsSync(path) && !always && !a.force)
        return process.stdout.write(`kept    ${path} (exists; --force to replace)\n`);
      try {
        writeFileSync(path, text);
      } catch (err) {
        throw nativeError("open", err as NodeJS.ErrnoException, path, "choose a directory you can write to");
      }
      wrote.push(path);
      process.stdout.write(`wrote   ${path}\n`);
    };
    put("seedwatch.d.ts", await seedwatchDts(), true);
    if (converted !== undefined) {
      put("config.ts", converted, false);
      put("tsconfig.json", TSCONFIG, false);
      return 0;
    }
    put("hooks.ts", HOOKS_EXAMPLE, false);
    put("config.ts", CONFIG_EXAMPLE, false);
    put("worker.ts", WORKER_EXAMPLE, false);
    put("tsconfig.json", TSCONFIG, false);
    return 0;
  },
});

function readRc(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (err) {
    throw nativeError("open", err as NodeJS.ErrnoException, path, "the iObserver rc file to convert (iobserverrc)");
  }
}

/** DIR exists as a directory (made if missing), or one line saying why not. */
function makeDirectory(dir: string): void {
  try {
    if (statSync(dir, { throwIfNoEntry: false })?.isDirectory()) return;
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const code = e.code === "EEXIST" ? "ENOTDIR" : (e.code ?? "EIO");
    throw nativeError(
      "mkdir",
      code,
      dir,
      code === "ENOTDIR"
        ? "DIR must be a directory (or not exist yet): where to write seedwatch.d.ts and the examples"
        : "choose a directory you can write to, e.g. ~/.config/seedwatch",
    );
  }
}
