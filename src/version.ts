// The version and git revision, stamped by build.ts (--define); "dev" when run from source.

import pkg from "../package.json" with { type: "json" };

declare const SEEDWATCH_VERSION: string | undefined;
declare const SEEDWATCH_REVISION: string | undefined;

export const VERSION: string = typeof SEEDWATCH_VERSION === "string" ? SEEDWATCH_VERSION : pkg.version;
export const REVISION: string = typeof SEEDWATCH_REVISION === "string" ? SEEDWATCH_REVISION : "dev";

export function versionLine(): string {
  return `seedwatch ${VERSION} (${REVISION}, bun ${Bun.version})`;
}
