// seedwatch's Mirror against lsyncd 2.2 (default.rsync and default.direct, delay 0) and
// `rsync -a`, side by side in one run: initial sync of a tree into an empty destination
// and into an identical one, a burst of new files until converged, a rename of the
// directory holding them (time, and bytes copied again); CPU and peak RSS; then Scribe
// against `inotifywait -m -r -o FILE` on a burst of events (scribe-bench.ts).
//
//   bun bench/mirror.ts [--quick] [--runs R] [--skip-direct]    (writes bench/RESULTS-mirror.md)
//
// Needs dist/seedwatch (npm run build), cc, and Debian's lsyncd, rsync and inotify-tools:
// as root it installs those with apt-get when missing (and says so). As root, files are on
// a private tmpfs, so that the disk is not what is measured.

import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { generator, median, OUT } from "./lib.ts";
import { lsyncdDirect, MIRROR_TOOLS, type MirrorTool, type Mirroring } from "./mirror-tools.ts";
import { scribeBurst } from "./scribe-bench.ts";
import { differences, timeDifferences } from "../test/integration/plugins/mirror-rig.ts";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const RUNS = Number(args[args.indexOf("--runs") + 1]) || (quick ? 1 : 3);
const TREE = quick ? { dirs: 500, files: 5_000 } : { dirs: 5_000, files: 50_000 };
const BURST = quick ? 1_000 : 10_000;
const BURST_FILE_BYTES = 4096;
const SCRIBE_EVENTS = quick ? 20_000 : 200_000;
const log = (s: string) => process.stderr.write(`${s}\n`);

needs({ lsyncd: "lsyncd", rsync: "rsync", inotifywait: "inotify-tools", cc: "gcc" });
const gen = generator();
mkdirSync(OUT, { recursive: true });
const work = mkdtempSync(join(OUT, "mirror-"));
const tmpfs =
  process.getuid?.() === 0 &&
  Bun.spawnSync(["mount", "-t", "tmpfs", "-o", "size=6g", "seedwatch-mirror", work]).exitCode === 0;
const template = join(work, "template");
const treeBytes = makeTree(template);
const tools = MIRROR_TOOLS.filter((t) => !(args.includes("--skip-direct") && t === lsyncdDirect));

type Row = "empty" | "identical" | "burst" | "rename";
/**
 * yes; yes to rsync, but some times stay wrong within the second (rsync compares whole
 * seconds); only directory mtimes left different; or not within the row's limit.
 */
type Converged = "yes" | "subsecond" | "dir-times" | "no";
interface Sample {
  ms: Record<Row, number[]>;
  converged: Record<Row, Converged[]>;
  renameFiles: number[];
  renameBytes: number[];
  cpuMs: number[];
  rssMiB: number[];
  /** Runs in which the tool said its inotify queue overflowed. */
  overflowed: number;
}
const results = new Map<MirrorTool, Sample>();
/** Daemons running, stopped if the benchmark fails half-way. */
const live = new Set<Mirroring>();
let scribe = "";
try {
  for (let r = 0; r < RUNS; r++) for (const tool of tools) await oneRun(tool, r);
  scribe = await scribeBurst(work, gen, SCRIBE_EVENTS, RUNS);
} finally {
  for (const m of live) await m.stop();
  if (tmpfs) Bun.spawnSync(["umount", work]);
  rmSync(work, { recursive: true, force: true });
}

const report =
  `# Benchmarks: Mirror and Scribe

Run ${new Date().toISOString().slice(0, 16).replace("T", " ")} ` +
  `UTC with \`bun bench/mirror.ts${args.length ? ` ${args.join(" ")}` : ""}\`` +
  `; ${RUNS} runs, medians.

- machine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}, ` +
  `${(totalmem() / 2 ** 30).toFixed(0)} GiB; ` +
  `files on ${tmpfs ? "a private tmpfs" : "the disk (bench/out)"}
- ${tools.map((t) => t.version()).join("; ")}
- lsyncd: \`settings { nodaemon = true }\`, \`sync { default.rsync | default.direct, delay = 0 }\` ` +
  `(rsync with \`archive = true\`), other settings its defaults

${mirrorTables()}

${scribe}
`;
const partial = quick || args.includes("--runs") || args.includes("--skip-direct");
writeFileSync(join(import.meta.dir, partial ? "out/RESULTS-mirror-partial.md" : "RESULTS-mirror.md"), report);
process.stdout.write(report);

// --- the mirror rows ---

async function oneRun(tool: MirrorTool, run: number): Promise<void> {
  const s =
    results.get(tool) ??
    (results.set(tool, {
      ms: { empty: [], identical: [], burst: [], rename: [] },
      converged: { empty: [], identical: [], burst: [], rename: [] },
      renameFiles: [],
      renameBytes: [],
      cpuMs: [],
      rssMiB: [],
      overflowed: 0,
    }),
    results.get(tool)!);
  const src = join(work, `src-${run}`);
  const dst = join(work, `dst-${run}`);
  rmSync(src, { recursive: true, force: true });
  rmSync(dst, { recursive: true, force: true });
  cpSync(template, src, { recursive: true, preserveTimestamps: true });
  mkdirSync(dst);
  const row = async (name: Row, t0: number, cheap: () => boolean, m: Mirroring, pollMs = 20) => {
    await m.propagate();
    const { ms, ok } = await untilConverged(src, dst, t0, cheap, name === "burst" ? 300_000 : 60_000, pollMs);
    s.ms[name].push(ms);
    s.converged[name].push(ok);
    log(`${tool.name} run ${run + 1}: ${name} ${ms.toFixed(0)} ms, converged: ${ok}`);
  };

  let t0 = performance.now();
  const m = await tool.start(src, dst, work);
  live.add(m);
  await row("empty", t0, () => true, m);

  t0 = performance.now();
  mkdirSync(join(src, "burst"));
  await Bun.spawn([gen, "mk", join(src, "burst"), String(BURST), String(BURST_FILE_BYTES)]).exited;
  await row("burst", t0, () => count(join(dst, "burst")) === BURST, m);

  const before = inodes(join(dst, "burst"));
  t0 = performance.now();
  renameSync(join(src, "burst"), join(src, "renamed"));
  // A rename is done in milliseconds: looked at every millisecond (the folder first, its count only once it is there).
  const renamed = () =>
    !existsSync(join(dst, "burst")) && existsSync(join(dst, "renamed")) && count(join(dst, "renamed")) === BURST;
  await row("rename", t0, renamed, m, 1);
  if (s.converged.rename.at(-1) !== "no") {
    const copied = copiedAgain(join(dst, "renamed"), before);
    s.renameFiles.push(copied.files);
    s.renameBytes.push(copied.bytes);
  }
  s.cpuMs.push(m.cpuMs());
  s.rssMiB.push(m.peakRssMiB());
  if (/OVERFLOW in event queue|inotify queue overflowed/.test(m.output())) s.overflowed++;
  writeFileSync(join(OUT, `mirror-${tool.name.replace(/\W+/g, "-")}-${run + 1}.log`), m.output());
  await m.stop();
  live.delete(m);

  // Identical, whatever the tool left: rsync makes it so (not timed).
  Bun.spawnSync(["rsync", "-a", "--delete", `${src}/`, `${dst}/`]);
  t0 = performance.now();
  const again = await tool.start(src, dst, work);
  live.add(again);
  await row("identical", t0, () => true, again);
  await again.stop();
  live.delete(again);
  rmSync(src, { recursive: true, force: true });
  rmSync(dst, { recursive: true, force: true });
}

function mirrorTables(): string {
  const med = (t: MirrorTool, r: Row) => median(results.get(t)!.ms[r]);
  const conv = (t: MirrorTool, r: Row) => {
    const c = results.get(t)!.converged[r];
    if (c.includes("no")) return " (not converged)";
    if (c.includes("dir-times")) return " (directory mtimes left wrong)";
    return c.includes("subsecond") ? " (mtimes left wrong within the second)" : "";
  };
  const lsyncds = tools.filter((t) => t.name.startsWith("lsyncd"));
  const best = (r: Row) => lsyncds.reduce((a, b) => (med(b, r) < med(a, r) ? b : a));
  const rows = (r: Row) =>
    tools
      .map(
        (t) =>
          `| ${t.name} | ${(med(t, r) / 1000).toFixed(med(t, r) < 100 ? 3 : 2)}${conv(t, r)} ` +
          `| ${(med(t, r) / med(tools[0]!, r)).toFixed(2)} |`,
      )
      .join("\n");
  const sw = tools[0]!;
  const table = (r: Row, title: string, what: string) =>
    `### ${title}

${what} lsyncd's best mode for this row (${best(r).name}) takes
${(med(best(r), r) / med(sw, r)).toFixed(2)}× seedwatch's time; ` +
    `seedwatch takes ${(med(sw, r) / med(tools.at(-1)!, r)).toFixed(2)}× the time of \`rsync -a\`.

| tool | seconds | × seedwatch's time |
|---|---|---|
${rows(r)}`;
  const mib = (b: number) => (b / 2 ** 20).toFixed(1);
  const burst = BURST.toLocaleString("en");
  const burstWhat =
    `\`mkdir burst\` and a C loop creating ${burst} files of ${BURST_FILE_BYTES} bytes ` + `in it as fast as it can.`;
  return (
    `## Mirror: ${TREE.files.toLocaleString("en")} ` +
    `files in ${TREE.dirs.toLocaleString("en")} directories ` +
    `(${mib(treeBytes)} MiB)

Each run, each tool: a fresh copy of the tree as source and an empty destination. The
time of a row runs from the start (or the change) until the destination has what is
expected; then \`rsync -a -n -i --delete SRC/ DST/\` must report nothing, and if it does
not, the time runs on until it does ("not converged": it never did, within 300 s for the
burst, 60 s for the other rows; "directory
mtimes left wrong": all else converged at that time, but \`rsync -n\` still lists
directories whose mtime differs, for good; "mtimes left wrong within the second": rsync,
which compares whole seconds, sees nothing, but 5 s later some entry's mtime still
differs from the source's by 2 µs or more). For
\`rsync -a\` the time includes its run after the change, as a user would start it.

${table("empty", "Initial sync into an empty destination", "From start until the tool says its first sync is done.")}

${table("identical", "Initial sync into an identical destination", "The daemon restarted on the converged pair.")}

${table("burst", `A burst of ${burst} new files until converged`, burstWhat)}

${table("rename", `Rename of the directory holding the ${burst} files`, "`mv burst renamed` in the source.")}

### Bytes copied by the rename, CPU and memory

Bytes copied: the size of the files under \`renamed/\` in the destination whose inode is
not the one they had under \`burst/\` (a rename keeps inodes; a copy makes new ones); the
burst's files are ${BURST_FILE_BYTES} bytes each. CPU
is the whole session's (the daemon and every rsync or cp it ran) from start through the
rename; peak RSS is the session's summed VmRSS, sampled every 50 ms.

| tool | files copied by the rename | bytes copied by the rename | CPU, s ` +
    `| peak RSS, MiB | runs with an inotify queue overflow |
|---|---|---|---|---|---|
${tools.map((t) => cpuRow(t)).join("\n")}

Bytes are of the runs where the rename converged ("—": in none). Each daemon's output is
kept in \`bench/out/mirror-<tool>-<run>.log\`.`
  );
}

function cpuRow(t: MirrorTool): string {
  const s = results.get(t)!;
  const m = (xs: number[], f: (x: number) => string) => (xs.length ? f(median(xs)) : "—");
  return (
    `| ${t.name} | ${m(s.renameFiles, String)} ` +
    `| ${m(s.renameBytes, (x) => x.toLocaleString("en"))} ` +
    `| ${(median(s.cpuMs) / 1000).toFixed(2)} | ${median(s.rssMiB).toFixed(0)} | ${s.overflowed} of ${RUNS} |`
  );
}

// --- helpers ---

/**
 * Until the cheap condition holds and rsync sees nothing to do (capMs at most). lsyncd's
 * default.direct never sets a directory's mtime after cp wrote into it: when only that is
 * left (rsync -O sees nothing) for 5 s, the time is when the rest converged, marked so.
 * Once rsync sees nothing, the times are compared to the microsecond for up to 5 s more
 * (not timed): a tool that leaves them wrong within the second is marked so.
 */
async function untilConverged(
  src: string,
  dst: string,
  t0: number,
  cheap: () => boolean,
  capMs: number,
  pollMs: number,
): Promise<{ ms: number; ok: Converged }> {
  const deadline = performance.now() + capMs;
  while (!cheap() && performance.now() < deadline) await Bun.sleep(pollMs);
  let at = performance.now();
  let exceptDirTimes: number | undefined;
  while (performance.now() < deadline) {
    if (differences(src, dst, [], false) === "") {
      for (const until = performance.now() + 5_000; performance.now() < until; await Bun.sleep(100))
        if (timeDifferences(src, dst) === "") return { ms: at - t0, ok: "yes" };
      return { ms: at - t0, ok: "subsecond" };
    }
    if (exceptDirTimes === undefined && differences(src, dst, ["-O"]) === "") exceptDirTimes = at;
    if (exceptDirTimes !== undefined && at - exceptDirTimes > 5_000)
      return { ms: exceptDirTimes - t0, ok: "dir-times" };
    await Bun.sleep(20);
    at = performance.now();
  }
  return { ms: at - t0, ok: "no" };
}

/** Entries of a directory that are not an rsync temp file (.name.XXXXXX); -1 if it is missing. */
function count(dir: string): number {
  try {
    return readdirSync(dir).filter((n) => !n.startsWith(".")).length;
  } catch {
    return -1;
  }
}

function inodes(dir: string): Map<string, number> {
  return new Map(readdirSync(dir).map((n) => [n, statSync(join(dir, n)).ino]));
}

/** Files under `dir` whose inode is not the one they had before the rename, and their bytes. */
function copiedAgain(dir: string, before: Map<string, number>): { files: number; bytes: number } {
  const out = { files: 0, bytes: 0 };
  for (const name of readdirSync(dir)) {
    const st = statSync(join(dir, name));
    if (before.get(name) !== st.ino) [out.files, out.bytes] = [out.files + 1, out.bytes + st.size];
  }
  return out;
}

/** TREE.dirs directories (50 at the top, the rest below them), TREE.files files of 0–4 KiB. */
function makeTree(root: string): number {
  const tops = Math.round(TREE.dirs / 100);
  const dirs: string[] = [];
  for (let t = 0; t < tops; t++) {
    dirs.push(join(root, `top${t}`));
    for (let d = 0; d < TREE.dirs / tops - 1; d++) dirs.push(join(root, `top${t}`, `d${d}`));
  }
  for (const d of dirs) mkdirSync(d, { recursive: true });
  const block = Buffer.alloc(4096, "seedwatch mirror bench\n");
  let bytes = 0;
  for (let i = 0; i < TREE.files; i++) {
    const size = (i * 7919) % 4097;
    writeFileSync(join(dirs[i % dirs.length]!, `file ${i}.dat`), block.subarray(0, size));
    bytes += size;
  }
  return bytes;
}

/** Each command, or its Debian package installed (as root), or a clear message and exit 2. */
function needs(commands: Record<string, string>): void {
  const missing = Object.entries(commands).filter(([c]) => !Bun.which(c));
  if (missing.length === 0) return;
  const pkgs = missing.map(([, p]) => p);
  if (process.getuid?.() === 0 && Bun.which("apt-get")) {
    log(`bench/mirror.ts: installing ${pkgs.join(" ")} (apt-get), the peers this benchmark runs`);
    const r = Bun.spawnSync(
      ["sh", "-c", `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${pkgs.join(" ")}`],
      {
        stdout: "ignore",
        stderr: "inherit",
      },
    );
    if (r.exitCode === 0) return;
  }
  log(`bench/mirror.ts: needs ${missing.map(([c]) => c).join(", ")}: sudo apt-get install ${pkgs.join(" ")}`);
  process.exit(2);
}
