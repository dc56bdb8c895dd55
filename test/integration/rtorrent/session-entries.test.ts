// The session directory never stops the index: an entry named like a torrent that is a
// directory, a FIFO or unreadable is one warning and is skipped — at start-up, with
// --once and with --clean — and nothing blocks on it (issue "Trust first", item 5).

import { describe, expect, test } from "bun:test";
import { chmodSync, chownSync, mkdirSync, writeFileSync } from "node:fs";
import { AS_NOBODY, binForAnyone, Running, runBin } from "../../helpers/bin.ts";
import { makeTorrent, writeSession } from "../../helpers/rtorrent.ts";
import { tempDir } from "../../helpers/tmp.ts";

const H = (c: string) => c.repeat(40);
const ROOT = process.getuid?.() === 0;

function box() {
  const dir = tempDir("entries");
  const session = dir.join("session");
  const data = dir.join("data");
  mkdirSync(session);
  mkdirSync(data);
  const good = makeTorrent({ name: "Good", files: [{ path: ["g"], length: 1 }] });
  mkdirSync(`${data}/Good`);
  writeFileSync(`${data}/Good/g`, "x");
  writeSession(session, good, { directory: `${data}/Good` });
  return { dir, session, data, good, [Symbol.dispose]: () => dir[Symbol.dispose]() };
}

const args = (b: ReturnType<typeof box>, ...extra: string[]) => [
  "rtorrent",
  "--db",
  b.dir.join("index.db"),
  "--no-log",
  ...extra,
  b.session,
  b.data,
];

describe("odd entries in the session directory", () => {
  test("a directory named like a torrent: one warning, skipped, by --once, --clean and the daemon", async () => {
    using b = box();
    mkdirSync(`${b.session}/${H("A")}.torrent`);
    for (const extra of [["--once"], ["--clean"]]) {
      const r = runBin(args(b, ...extra), { timeoutMs: 20_000 });
      expect([r.code, r.stderr]).toEqual([
        0,
        expect.stringContaining(`${H("A")}: ${H("A")}.torrent: is a directory, not a file`),
      ]);
      expect(r.stderr).not.toContain("internal error");
      expect(r.stderr.match(/is a directory, not a file/g)?.length).toBe(1);
    }
    await using w = new Running(args(b));
    await w.waitStderr(/watching /, "the daemon starts");
    expect(w.stderr).toContain("1 unchanged"); // the good torrent, indexed by the runs above
    expect(w.stderr).toContain("is a directory, not a file");
  });

  test("a FIFO named like a torrent, or like its .rtorrent, never blocks", () => {
    using b = box();
    for (const name of [`${H("B")}.torrent`, `${b.good.hash}.torrent.rtorrent`])
      Bun.spawnSync(["rm", "-f", `${b.session}/${name}`]), Bun.spawnSync(["mkfifo", `${b.session}/${name}`]);
    const r = runBin(args(b, "--once"), { timeoutMs: 20_000 });
    expect(r.stderr).not.toContain("killed by");
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`${H("B")}.torrent: is a FIFO, not a file`);
    expect(r.stderr).toContain(`${b.good.hash}.torrent.rtorrent: is a FIFO, not a file`);
  });

  test.skipIf(!ROOT)("an unreadable session file (run as nobody): one warning, the rest indexed", () => {
    using b = box();
    chmodSync(b.dir.path, 0o755);
    for (const p of [b.session, b.data]) Bun.spawnSync(["chown", "-R", "65534:65534", p]);
    const other = makeTorrent({ name: "Locked", files: [{ path: ["l"], length: 1 }] });
    writeSession(b.session, other, { directory: `${b.data}/Locked` });
    chownSync(`${b.session}/${other.hash}.torrent`, 0, 0);
    chmodSync(`${b.session}/${other.hash}.torrent`, 0o600);
    const r = runBin(["rtorrent", "--db", `${b.data}/index.db`, "--no-log", "--once", b.session, b.data], {
      prefix: AS_NOBODY,
      bin: binForAnyone(),
      timeoutMs: 20_000,
    });
    expect(r.stderr).not.toContain("internal error");
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`${other.hash}.torrent: permission denied`);
    expect(r.stderr).toContain("1 added");
  });
});
