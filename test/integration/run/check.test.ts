// Issue "Trust first", item 11: `run --check` said "config file ok" for a watch path that
// does not exist, and `run` then exited 4. Now --check refuses what run would refuse
// (same message, hint and exit code), without starting anything. Examples, then
// generated configs compared between --check and run.

import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { AS_NOBODY, binForAnyone, Running, runBin, type Done } from "../../helpers/bin.ts";
import { assertProperty, fc } from "../../helpers/prop.ts";
import { tempDir, type TempDir } from "../../helpers/tmp.ts";

const ROOT = process.getuid?.() === 0;
/** As root, permissions do not stop us: drop to nobody to see EACCES (a copy of the binary nobody can reach). */
const asNobody = (): As => ({ prefix: AS_NOBODY, bin: binForAnyone() });
interface As {
  prefix?: string[];
  bin?: string;
}

function config(dir: TempDir, paths: string[], extra = ""): string {
  const path = dir.join("config.ts");
  const watches = paths
    .map((p) => `new Watch({ path: ${JSON.stringify(p)}, event_map: { IN_CLOSE_WRITE: s } })`)
    .join(", ");
  writeFileSync(
    path,
    `import { Pyinotifyd, ShellScheduler, Watch } from "seedwatch";\n` +
      `const s = new ShellScheduler({ cmd: "true" });\n` +
      `export default new Pyinotifyd({ ${extra}watches: [${watches}] });\n`,
  );
  return path;
}

/** What `run` does with a config: refuses at once (its result), or starts (then is stopped). */
async function runOutcome(cfg: string, as: As = {}): Promise<Done | "started"> {
  await using w = new Running(["run", cfg], as);
  // Either it says it is running or it exits: the ceiling is for a hang, not a slow start.
  const started = await w.waitStderr(/running \//, "running", 60_000).then(
    () => true,
    (err) => {
      if (w.proc.exitCode === null) throw err;
      return false;
    },
  );
  if (!started) {
    const code = await w.stop();
    return { code, stdout: w.stdout, stderr: w.stderr };
  }
  expect(await w.stop("SIGTERM")).toBe(0);
  return "started";
}

/** The error lines (message and hint) of a refusal. */
const refusal = (r: Done) => r.stderr.split("\n").filter((l) => l.startsWith("seedwatch: ") || l.startsWith("hint: "));

describe("run --check refuses what run refuses", () => {
  const cases: [string, (d: TempDir) => string, number, RegExp][] = [
    [
      "a watch path that does not exist",
      (d) => d.join("missing"),
      4,
      new RegExp(
        String.raw`watch ".*missing": no such file or directory \(ENOENT\)\n` +
          "hint: check the path for a typo, or create the directory first",
      ),
    ],
    [
      "a file where a directory is needed",
      (d) => (writeFileSync(d.join("file"), ""), d.join("file")),
      5,
      /not a directory \(ENOTDIR\)\nhint: seedwatch watches directories/,
    ],
    [
      "a path under a file",
      (d) => (writeFileSync(d.join("file"), ""), d.join("file/sub")),
      5,
      /not a directory \(ENOTDIR\)/,
    ],
    [
      "a dangling symlink",
      (d) => (symlinkSync(d.join("nowhere"), d.join("link")), d.join("link")),
      4,
      /no such file or directory/,
    ],
  ];
  for (const [label, make, code, message] of cases) {
    test(label, async () => {
      using dir = tempDir("check");
      const cfg = config(dir, [make(dir)]);
      const check = runBin(["run", "--check", cfg]);
      expect({ code: check.code, stdout: check.stdout }).toEqual({ code, stdout: "" });
      expect(check.stderr).toMatch(message);
      const run = await runOutcome(cfg);
      expect(run).not.toBe("started");
      expect((run as Done).code).toBe(code);
      expect(refusal(run as Done)).toEqual(refusal(check));
    });
  }

  test("a directory that cannot be read: exit 6, with the hint", async () => {
    using dir = tempDir("check");
    chmodSync(dir.path, 0o755);
    mkdirSync(dir.join("locked"), { mode: 0o000 });
    chmodSync(dir.join("locked"), 0o000);
    const cfg = config(dir, [dir.join("locked")]);
    const as = ROOT ? asNobody() : {};
    const check = runBin(["run", "--check", cfg], as);
    expect(check.code).toBe(6);
    expect(check.stderr).toMatch(/permission denied \(EACCES\)\nhint: run as a user who can read it/);
    const run = await runOutcome(cfg, as);
    expect(refusal(run as Done)).toEqual(refusal(check));
  });

  test("the rtorrent section's session directory is checked too", () => {
    using dir = tempDir("check");
    mkdirSync(dir.join("w"));
    const cfg = config(
      dir,
      [dir.join("w")],
      `rtorrent: { session: ${JSON.stringify(dir.join("no-session"))}, db: ${JSON.stringify(dir.join("i.db"))} }, `,
    );
    const r = runBin(["run", "--check", cfg]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("no-session");
  });

  test("a glob that matches nothing is a warning, as in run; --check starts nothing", () => {
    using dir = tempDir("check");
    const cfg = config(dir, [`${dir.path}/nothing-*`]);
    const r = runBin(["run", "--check", cfg]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("matches no directory now");
    expect(r.stdout).toContain("config file ok");
  });
});

// --- generated configs: --check and run agree ---

const KINDS = [
  "dir",
  "missing",
  "file",
  "underFile",
  "dangling",
  "linkToDir",
  "trailingSlash",
  "globNone",
  "globDirs",
  ...(ROOT && Bun.which("setpriv") ? ["unreadable"] : []),
] as const;
type Kind = (typeof KINDS)[number];

/** Make a path of that kind inside `dir`; the i-th of the config. */
function makePath(dir: TempDir, kind: Kind, i: number): string {
  const p = dir.join(`p${i}`);
  switch (kind) {
    case "dir":
      return (mkdirSync(p), p);
    case "missing":
      return p;
    case "file":
      return (writeFileSync(p, ""), p);
    case "underFile":
      return (writeFileSync(p, ""), `${p}/sub`);
    case "dangling":
      return (symlinkSync(`${p}-nowhere`, p), p);
    case "linkToDir":
      return (mkdirSync(`${p}-target`), symlinkSync(`${p}-target`, p), p);
    case "trailingSlash":
      return (mkdirSync(p), `${p}/`);
    case "globNone":
      return `${p}-none-*`;
    case "globDirs":
      return (mkdirSync(`${p}-a`), mkdirSync(`${p}-b`), `${p}-*`);
    default:
      return (mkdirSync(p), chmodSync(p, 0), p); // unreadable
  }
}

let cases = 0;
afterAll(() => cases && process.stderr.write(`check.test.ts: ${cases} generated configs compared\n`));

test("generated configs: run --check passes exactly when run starts, " +
  "and refuses with run's message, hint and exit code", async () => {
  await assertProperty(
    fc.asyncProperty(fc.array(fc.constantFrom(...KINDS), { minLength: 1, maxLength: 3 }), async (kinds) => {
      cases++;
      using dir = tempDir("check");
      chmodSync(dir.path, 0o755);
      const cfg = config(
        dir,
        kinds.map((k, i) => makePath(dir, k, i)),
      );
      const as = kinds.includes("unreadable" as Kind) ? asNobody() : {};
      const check = runBin(["run", "--check", cfg], as);
      const run = await runOutcome(cfg, as);
      if (run === "started")
        expect({ kinds, code: check.code, stderr: refusal(check) }).toEqual({ kinds, code: 0, stderr: [] });
      else
        expect({ kinds, code: check.code, stderr: refusal(check) }).toEqual({
          kinds,
          code: run.code,
          stderr: refusal(run),
        });
    }),
    5,
  );
}, 300_000);
