// What every file seedwatch loads gets from the hooks layer, the layer that makes the
// module "seedwatch": the version and the environment. Composed with the other layers'
// parts in commands/user-api.ts.

import type { UserApiPart } from "../config/user-api.ts";
import { VERSION } from "../version.ts";

export const HOOKS_API = {
  exports: {
    VERSION,
    /** The environment (process.env), typed without Node's or Bun's type packages. */
    env: process.env,
  },
  dts: `  export const VERSION: string;
  /** The environment (process.env), typed without Node's or Bun's type packages. */
  export const env: Record<string, string | undefined>;`,
} satisfies UserApiPart;
