// The one "seedwatch" that user files see, composed from each layer's part
// (config/user-api.ts): the hooks layer's version and environment, the rtorrent layer's
// defineHooks, hook types and `rtorrent:` config key, the rules layer's pyinotifyd
// classes, the plugins layer's classes and keys, the queue layer's defineWorker; each layer
// adds its part here, touching no layer below.
// main.ts provides them at start; they are imported only when a user file is loaded or
// seedwatch.d.ts written.

import { provideUserApi, userApi, type UserApiPart } from "../config/user-api.ts";

export function provideSeedwatchApi(): void {
  provideUserApi(async (): Promise<UserApiPart[]> => {
    const [hooks, rtorrent, rules, plugins, queue] = await Promise.all([
      import("../hooks/user-api.ts"),
      import("../rtorrent/user-api.ts"),
      import("../rules/user-api.ts"),
      import("../plugins/user-api.ts"),
      import("../queue/user-api.ts"),
    ]);
    return [hooks.HOOKS_API, rtorrent.RTORRENT_API, rules.RULES_API, plugins.PLUGINS_API, queue.QUEUE_API];
  });
}

/** The text of seedwatch.d.ts: self-contained (no @types/bun needed in the user's folder). */
export async function seedwatchDts(): Promise<string> {
  return `// Types for files that seedwatch loads: rtorrent hooks, run configs and queue workers.
// Written by \`seedwatch init\`. In a hook file: import { defineHooks, type RmTuple } from
// "seedwatch"; in a config: import { Pyinotifyd, Watch, ShellScheduler, … } from
// "seedwatch"; in a worker: import { defineWorker } from "seedwatch".

declare module "seedwatch" {
${(await userApi()).dts}
}
`;
}
