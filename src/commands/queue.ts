// seedwatch queue: the download queue's sub-verbs, each its own file under queue/ with
// its own --help, loaded only when named. Until the shared sub-verb mechanism lands in
// main.ts, this file dispatches them (SeedCommand.dispatch); re-wiring is moving the
// SUB table there.

import { EXIT, UsageError } from "../errors.ts";
import { defineVerb, type SeedCommand } from "./args.ts";

const SUB: Record<string, { describe: string; load: () => Promise<{ default: SeedCommand }> }> = {
  serve: {
    describe: "run the coordinator: HTTP API, distleech's endpoints, the web page",
    load: () => import("./queue/serve.ts"),
  },
  import: {
    describe: "add albums from inventory CSV files (Artist Name, Album Title)",
    load: () => import("./queue/import.ts"),
  },
  token: {
    describe: "add, list or revoke the tokens workers and the web page use",
    load: () => import("./queue/token.ts"),
  },
  status: {
    describe: "the queue's numbers: albums and downloads by state, workers",
    load: () => import("./queue/status.ts"),
  },
  ls: { describe: "list albums or downloads, as a table or JSON", load: () => import("./queue/ls.ts") },
};

const HELP = `A download queue shared by several seedboxes (distleech, without its bugs)

USAGE  seedwatch queue <sub-command> [OPTIONS]

SUB-COMMANDS
${Object.entries(SUB)
  .map(([name, s]) => `  ${name.padEnd(8)} ${s.describe}`)
  .join("\n")}

  seedwatch queue <sub-command> --help   options and examples for one

Every sub-command takes --db FILE or --db postgres://… (default
~/.local/share/seedwatch/queue.db).
`;

const queue = defineVerb({
  name: "queue",
  description: "a download queue shared by several seedboxes",
  args: {},
  async run() {
    process.stdout.write(HELP);
    return EXIT.ok;
  },
});
queue.help = HELP;
queue.dispatch = async (rest: string[]): Promise<number> => {
  const [name, ...args] = rest;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    const sub = name === "help" ? args[0] : undefined;
    if (sub && SUB[sub]) return print((await SUB[sub].load()).default.help);
    return print(HELP);
  }
  const entry = SUB[name];
  if (!entry)
    throw new UsageError(
      `unknown sub-command "queue ${name}"`,
      `one of ${Object.keys(SUB).join(", ")}; seedwatch queue --help`,
    );
  const cmd = (await entry.load()).default;
  const dashdash = args.indexOf("--");
  const flags = dashdash < 0 ? args : args.slice(0, dashdash);
  if (flags.includes("--help") || flags.includes("-h")) return print(cmd.help);
  const { runCommand } = await import("citty");
  const { result } = await runCommand(cmd, { rawArgs: args });
  return typeof result === "number" ? result : EXIT.ok;
};

export default queue;

// --- internal ---

function print(text: string): number {
  process.stdout.write(text);
  return EXIT.ok;
}
