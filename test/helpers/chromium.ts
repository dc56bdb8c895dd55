// Debian's Chromium, driven by puppeteer-core (which never downloads a browser of its
// own). As root Chromium needs --no-sandbox.

import type { Browser } from "puppeteer-core";

export const CHROMIUM = Bun.which("chromium") ?? Bun.which("chromium-browser");

export const NO_CHROMIUM: string | undefined = CHROMIUM
  ? undefined
  : "Chromium is not installed (apt-get install chromium; .ci/test does it as root): the browser tests are skipped";

if (NO_CHROMIUM) process.stderr.write(`test/helpers/chromium.ts: ${NO_CHROMIUM}\n`);

export async function launchChromium(): Promise<Browser> {
  const { launch } = await import("puppeteer-core");
  return launch({
    executablePath: CHROMIUM!,
    headless: true,
    pipe: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--window-size=1280,900"],
    defaultViewport: { width: 1280, height: 900 },
  });
}
