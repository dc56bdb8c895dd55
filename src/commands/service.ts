// seedwatch service install|uninstall: run a config as a service. Each sub-verb is a file
// in service/.

import { SERVICE_OPTIONS } from "./service/spec.ts";
import { defineGroup } from "./verbs.ts";

export default defineGroup({
  name: "service",
  description:
    "Install or remove the service that runs a config (systemd unit, system or --user, or OpenRC init script)",
  shared: SERVICE_OPTIONS,
  verbs: {
    install: {
      describe: "write the unit or init script and an example config, check the config",
      load: () => import("./service/install.ts"),
    },
    uninstall: {
      describe: "remove what install wrote (a config you changed is kept)",
      load: () => import("./service/uninstall.ts"),
    },
  },
  examples: `
EXAMPLES
  seedwatch service install --user && systemctl --user daemon-reload && systemctl --user enable --now seedwatch
  sudo seedwatch service install --config /etc/seedwatch/config.ts
  sudo seedwatch service install --queue   (the queue's coordinator: seedwatch queue serve)
  seedwatch service install --user --queue-worker ~/.config/seedwatch/worker.ts   (seedwatch queue work)
  sudo seedwatch service uninstall        (a config you changed is kept)`,
});
