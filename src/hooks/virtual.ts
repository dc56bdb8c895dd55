// The module "seedwatch" that user files import: inside the binary it is the running
// program's own API (a Bun plugin registers it before any user file loads), so nothing
// has to be installed beside the binary. What it exports is each layer's part
// (config/user-api.ts), as the top composed them; types come from `seedwatch init`.

import { plugin } from "bun";
import { userApi } from "../config/user-api.ts";

let registering: Promise<void> | undefined;

export function registerSeedwatchModule(): Promise<void> {
  registering ??= userApi().then(({ exports }) => {
    plugin({
      name: "seedwatch",
      setup(build) {
        build.module("seedwatch", () => ({ exports, loader: "object" }));
      },
    });
  });
  return registering;
}
