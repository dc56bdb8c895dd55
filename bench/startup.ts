// Start-up time of the binary per set of build flags: the measurement behind build.ts's
// choice. Each variant is built into bench/out and `--version` is timed, plus
// `watch --help` (which loads citty and the watch command).

import { join } from "node:path";
import { median, OUT } from "./lib.ts";

interface Variant {
  name: string;
  flags: string[];
}

const COMMON = ["--no-compile-autoload-dotenv", "--no-compile-autoload-bunfig", "--compile-autoload-package-json"];

export function buildVariants(): Variant[] {
  return [
    { name: "default", flags: [] },
    { name: "--minify", flags: ["--minify"] },
    { name: "--bytecode --format=esm (build.ts)", flags: ["--bytecode", "--format=esm"] },
    { name: "--bytecode --format=esm --minify", flags: ["--bytecode", "--format=esm", "--minify"] },
  ];
}

export async function startup(variants: Variant[], runs: number): Promise<string> {
  const rows: string[] = [];
  for (const [i, v] of variants.entries()) {
    const out = join(OUT, `startup-${i}`);
    const b = Bun.spawnSync(
      [
        process.execPath,
        "build",
        "--compile",
        ...v.flags,
        ...COMMON,
        `--outfile=${out}`,
        join(import.meta.dir, "../src/main.ts"),
      ],
      { stdout: "pipe", stderr: "pipe" },
    );
    if (b.exitCode !== 0) throw new Error(`build ${v.name} failed: ${b.stderr}`);
    const version = time([out, "--version"], runs);
    const help = time([out, "watch", "--help"], runs);
    const size = Bun.file(out).size / 2 ** 20;
    rows.push(`| ${v.name} | ${version.toFixed(1)} | ${help.toFixed(1)} | ${size.toFixed(1)} |`);
    process.stderr.write(`startup ${v.name}: ${version.toFixed(1)} ms\n`);
  }
  return `## Start-up (build flags)

Wall time of one run, median of ${runs} after 3 warm-ups; every variant also has
${COMMON.map((f) => `\`${f}\``).join(", ")}.

| build | \`--version\`, ms | \`watch --help\`, ms | size, MiB |
|---|---|---|---|
${rows.join("\n")}`;
}

function time(argv: string[], runs: number): number {
  for (let i = 0; i < 3; i++) Bun.spawnSync(argv);
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    Bun.spawnSync(argv, { stdout: "ignore", stderr: "ignore" });
    ms.push(performance.now() - t);
  }
  return median(ms);
}
