// seedwatch service install: the unit or init script, an example config if there is
// none, then the config checked as `run --check` does.

import { SeedError } from "../../errors.ts";
import { defineVerb } from "../args.ts";
import { checkConfig } from "../run-daemon.ts";
import { SERVICE_OPTIONS, serviceSpec } from "./spec.ts";
import { install } from "./unit-files.ts";

export default defineVerb({
  name: "service install",
  description:
    "Install the service that runs a config (systemd unit, system or --user, or OpenRC init script), " +
    "with an example config if there is none",
  args: { ...SERVICE_OPTIONS },
  examples: `
EXAMPLES
  seedwatch service install --user && systemctl --user daemon-reload && systemctl --user enable --now seedwatch
  sudo seedwatch service install --config /etc/seedwatch/config.ts
  sudo seedwatch service install --queue --db /var/lib/seedwatch/queue.db --listen 127.0.0.1:8080
  seedwatch service install --user --queue-worker ~/.config/seedwatch/worker.ts

  install writes an example config if there is none (it watches nothing until you set
  INCOMING in it), then checks the config as 'run --check' does: if it does not pass,
  install says why and exits with that error's code, so '&& systemctl enable' stops.
  With --root (packaging) nothing is checked.`,
  async run(a) {
    const spec = await serviceSpec(a);
    const say = (l: string) => process.stdout.write(`${l}\n`);
    const enable = install(spec, say);
    if (spec.queue) {
      // the database is opened (and created, migrated) once now, so a wrong path or URL shows here
      if (spec.root === "/") {
        const { openDb } = await import("../queue/common.ts");
        await (await openDb(spec.queue[1])).close();
      }
      say(`next${spec.root === "/" ? "" : ", on the installed system"}: ${enable}`);
      return 0;
    }
    if (spec.worker) {
      // its secrets may come from the service's environment, so it is not loaded here
      say(
        `next${spec.root === "/" ? "" : ", on the installed system"}: ` +
          `try it once with 'seedwatch queue work metadata 1 --config ${spec.config}', then: ${enable}`,
      );
      return 0;
    }
    if (spec.root !== "/") {
      say(`next, on the installed system: seedwatch run --check ${spec.config} && ${enable}`);
      return 0;
    }
    try {
      await checkConfig(spec.config);
    } catch (err) {
      if (err instanceof SeedError)
        say(
          `installed, but not ready to start: ${spec.config} does not pass 'seedwatch run --check' (below); ` +
            `fix it, then: ${enable}`,
        );
      throw err;
    }
    say(`next: ${enable}`);
    return 0;
  },
});
