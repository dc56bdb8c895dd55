// seedwatch run CONFIG.ts: pyinotifyd's daemon, configured in TypeScript.

import { userApi } from "../config/user-api.ts";
import { positiveNumber } from "./numbers.ts";
import { DEFAULT_HOOK_TIMEOUT_S, defaultLimitMs, setDefaultLimit } from "../hooks/call.ts";
import { describeConfig } from "../rules/describe.ts";
import { checkConfig, superviseConfig } from "./run-daemon.ts";
import { defineVerb } from "./args.ts";
import { applyLogArgs, LOG_ARGS } from "./logging-args.ts";

export default defineVerb({
  name: "run",
  description:
    "Run a rules file (pyinotifyd's model in TypeScript): watches, event maps, " +
    "delayed and cancellable tasks, shell commands, move/copy/delete rules",
  args: {
    config: {
      type: "positional",
      valueHint: "CONFIG.ts",
      description: "the config: a .ts or .js module whose default export is a Pyinotifyd",
    },
    check: {
      type: "boolean",
      alias: "t",
      description:
        "load and validate, check every watch path as run would (exists, is a directory, " +
        "can be read: same error and exit code), print what would be watched " +
        "and where each event goes, and exit (pyinotifyd -t)",
    },
    hookTimeout: {
      type: "string",
      valueHint: "SECONDS",
      description:
        `a job function or config file that blocks seedwatch this long (a synchronous loop) ends it with exit 12; ` +
        `an rtorrent section hook still running after this long is logged and the daemon goes on ` +
        `(default: $SEEDWATCH_HOOK_TIMEOUT, else ${DEFAULT_HOOK_TIMEOUT_S})`,
    },
    ...LOG_ARGS,
  },
  examples:
    `
EXAMPLE CONFIG (seedwatch init writes one, with types)
  import { Pyinotifyd, Watch, FileManagerScheduler, FileManagerRule, Cancel } from "seedwatch";
  const files = new FileManagerScheduler({ delay: 60, rules: [
    new FileManagerRule({ action: "move", src_re: "^/src/(?P<path>.*)\\\\.done$", ` +
    `dst_re: "/dst/\\\\g<path>", auto_create: true }) ] });
  export default new Pyinotifyd({ shutdown_timeout: 70, watches: [ new Watch({ path: "/src", rec: true,
    event_map: { IN_CLOSE_WRITE: files, IN_MOVED_TO: files, ` +
    `IN_DELETE: new Cancel(files), IN_MODIFY: new Cancel(files) } }) ] });

TASKS AND MOVES
  A task waiting in its delay follows its file: rename the file or a folder above it and
  the task runs on the new path. A file deleted or moved out of the watches loses its
  pending task, whatever the event map says.

SIGNALS
  SIGHUP, or saving the config, reloads it: the new one is checked first; on error the
  old one keeps running. SIGINT/SIGTERM: running tasks get shutdown_timeout seconds;
  tasks still in their delay are run (shutdown_pending: "run", the default) or dropped.
  Shell commands still running then are ended with everything they started (SIGTERM,
  SIGKILL 5 s later), each named in the log; a second signal kills them and exits.`,
  async run(a) {
    applyLogArgs(a);
    if (a.hookTimeout !== undefined) setDefaultLimit(positiveNumber(a.hookTimeout, "--hook-timeout", 300) * 1000);
    if (a.check) {
      const config = await checkConfig(a.config!);
      const api = await userApi();
      process.stdout.write(`config file ok: ${a.config}\n${describeConfig(config, api.sections, api.watchSections)}`);
      return 0;
    }
    return superviseConfig(a.config!, defaultLimitMs());
  },
});
