// seedwatch service uninstall: remove what install wrote, keeping a config the user changed.

import { defineVerb } from "../args.ts";
import { SERVICE_OPTIONS, serviceSpec } from "./spec.ts";
import { uninstall } from "./unit-files.ts";

export default defineVerb({
  name: "service uninstall",
  description: "Remove the service that install wrote (unit or init script, types); a config you changed is kept",
  args: { ...SERVICE_OPTIONS },
  examples: `
EXAMPLES
  sudo seedwatch service uninstall
  seedwatch service uninstall --user

  A second uninstall says there was nothing to remove and exits 0, so package scripts
  can run it twice.`,
  async run(a) {
    uninstall(await serviceSpec(a), (l) => process.stdout.write(`${l}\n`));
    return 0;
  },
});
