// The web page in a real browser: headless Chromium loads / from a running queue serve
// with a read-only token (HTTP Basic, as a person would type it), and what a person sees
// changes after workers call the API.

import { expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { addToken, queueCli, startCoordinator } from "../../helpers/queue.ts";
import { launchChromium, NO_CHROMIUM } from "../../helpers/chromium.ts";
import { tempDir } from "../../helpers/tmp.ts";

test.skipIf(NO_CHROMIUM !== undefined)(
  "the page shows the queue and follows it live",
  async () => {
    using dir = tempDir("q-page");
    const db = dir.join("q.db");
    writeFileSync(dir.join("inv.csv"), "Artist Name,Album Title\nA,One\nB,Two\nC,Three\n");
    queueCli(db, ["import", dir.join("inv.csv")]);
    const viewer = addToken(db, "dashboard", true);
    await using c = await startCoordinator(db, [], addToken(db, "seedbox-a"));
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.authenticate({ username: "dashboard", password: viewer });
      const res = await page.goto(c.url, { waitUntil: "domcontentloaded" });
      expect(res?.status()).toBe(200);
      const text = (sel: string) => page.$eval(sel, (e) => e.textContent ?? "");
      // a string, evaluated in the page (this file is not typed with the DOM's globals)
      const shows = (sel: string, value: string) =>
        page.waitForFunction(
          `document.querySelector(${JSON.stringify(sel)})?.textContent === ${JSON.stringify(value)}`,
        );
      await shows("#albums-total", "3");
      expect(await text('[data-album-state="pending"]')).toBe("3");
      expect(await text("#workers tbody")).toContain("no worker has called yet");
      expect(await text("#who")).toBe("as dashboard (read-only)");

      const { leases } = await c.json<{ leases: { id: number; lease: string }[] }>("POST", "/api/v1/albums/lease", {
        n: 2,
      });
      await shows('[data-album-state="leased"]', "2");
      await c.json("POST", "/api/v1/albums/submit", {
        results: [
          { id: leases[0]!.id, lease: leases[0]!.lease, sites: [{ site: "red.example", torrentIds: [11, 12] }] },
          { id: leases[1]!.id, lease: leases[1]!.lease, sites: [{ site: "red.example", torrentIds: [] }] },
        ],
      });
      await shows('[data-album-state="found"]', "1");
      expect(await text('[data-album-state="not_found"]')).toBe("1");
      expect(await text('[data-album-state="pending"]')).toBe("1");
      await page.waitForSelector('tr[data-site="red.example"]');
      expect(await text('tr[data-site="red.example"] [data-download-state="queued"]')).toBe("2");
      await page.waitForSelector('tr[data-worker="seedbox-a"]');
      expect(await text("#activity")).toContain("seedbox-a: submitted results for 2 albums");
      // the bar has one segment per non-empty state
      expect(await page.$$eval("#albums-bar span", (s) => s.length)).toBe(3);
    } finally {
      await browser.close();
    }
  },
  60_000,
);
