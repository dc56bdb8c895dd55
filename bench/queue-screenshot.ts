// A picture of the queue's web page for a reviewer: starts `queue serve` on a temp
// SQLite queue with some albums, makes a few workers lease, submit and hand off, and has
// headless Chromium (Debian's) save bench/out/queue-page.png.
//
//   bun bench/queue-screenshot.ts [OUT.png]

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { addToken, queueCli, startCoordinator } from "../test/helpers/queue.ts";
import { launchChromium, NO_CHROMIUM } from "../test/helpers/chromium.ts";
import { tempDir } from "../test/helpers/tmp.ts";
import { OUT } from "./lib.ts";

if (NO_CHROMIUM) throw new Error(NO_CHROMIUM);
const out = process.argv[2] ?? join(OUT, "queue-page.png");
mkdirSync(OUT, { recursive: true });
using dir = tempDir("q-shot");
const db = dir.join("q.db");
const rows = Array.from({ length: 240 }, (_, i) => `"Artist ${i % 40}, The",Album ${i}`).join("\n");
writeFileSync(dir.join("inv.csv"), `Artist Name,Album Title\n${rows}\n`);
queueCli(db, ["import", "-q", dir.join("inv.csv")]);
const viewer = addToken(db, "dashboard", true);
const workers = ["seedbox-a", "seedbox-b", "fileserver"].map((w) => [w, addToken(db, w)] as const);
await using c = await startCoordinator(db, [], workers[0]![1]);
type Lease = { id: number; lease: string };
for (const [name, token] of workers) {
  const call = async <T>(path: string, body: unknown) =>
    (await (
      await fetch(c.url + path, {
        method: "POST",
        headers: { authorization: `Basic ${btoa(`${name}:${token}`)}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      })
    ).json()) as T;
  const { leases } = await call<{ leases: Lease[] }>("/api/v1/albums/lease", { n: 60 });
  await call("/api/v1/albums/submit", {
    results: leases.slice(0, 45).map((l, i) => ({
      id: l.id,
      lease: l.lease,
      sites: [{ site: i % 3 ? "red.example" : "ops.example", torrentIds: i % 4 ? [1000 + l.id] : [] }],
    })),
  });
  const dl = await call<{ leases: Lease[] }>("/api/v1/downloads/lease", { site: "red.example", n: 8 });
  await call("/api/v1/downloads/hand-off", {
    items: dl.leases.slice(0, 5).map((l) => ({ id: l.id, lease: l.lease, seedbox: name })),
  });
}
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  await page.authenticate({ username: "dashboard", password: viewer });
  await page.goto(c.url, { waitUntil: "networkidle0" });
  await page.waitForSelector('tr[data-worker="fileserver"]');
  await page.screenshot({ path: out as `${string}.png`, fullPage: true });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
}
