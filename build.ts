// Build dist/seedwatch: one executable with Bun's runtime inside.
//
//   bun build.ts [--outfile PATH] [--no-bytecode]
//
// Flags, and why (measured in bench/RESULTS.md, "start-up"):
// --bytecode --format=esm    pre-compiled bytecode halves start-up (14 -> 6.5 ms for
//                            --version); --bytecode needs esm here (consola reads
//                            import.meta).
// (no --minify)              with bytecode it gains nothing measurable, and unminified
//                            code keeps function names in the stack trace of a bug.
// --no-compile-autoload-dotenv, --no-compile-autoload-bunfig
//                            a .env or bunfig.toml in the user's working directory must
//                            never change a daemon's behaviour.
// --compile-autoload-package-json
//                            hook and config files loaded at run time resolve their own
//                            node_modules packages through package.json "exports"/"main".
// --define SEEDWATCH_VERSION / SEEDWATCH_REVISION
//                            `seedwatch --version` names the exact commit.
// src/hooks/watchdog-thread.ts
//                            a second entrypoint: the hook watchdog's Worker, which
//                            src/hooks/watchdog.ts starts by that path.
// src/queue/checkpoint-thread.ts
//                            the queue coordinator's WAL checkpoint thread
//                            (src/queue/checkpointer.ts).
// src/plugins/mirror/walk-worker.ts
//                            a Mirror's second thread for long walks (walk-helper.ts).

import pkg from "./package.json" with { type: "json" };

const args = process.argv.slice(2);
const outfile = args.includes("--outfile") ? args[args.indexOf("--outfile") + 1]! : "dist/seedwatch";
const bytecode = !args.includes("--no-bytecode");

const revision = await gitRevision();
const cmd = [
  process.execPath,
  "build",
  "--compile",
  ...(bytecode ? ["--bytecode"] : []),
  "--format=esm",
  "--no-compile-autoload-dotenv",
  "--no-compile-autoload-bunfig",
  "--compile-autoload-package-json",
  `--define=SEEDWATCH_VERSION=${JSON.stringify(pkg.version)}`,
  `--define=SEEDWATCH_REVISION=${JSON.stringify(revision)}`,
  `--outfile=${outfile}`,
  "src/main.ts",
  // Worker entry points: inside the binary they are named relative to src/ ("./rtorrent/read-worker.ts").
  "src/rtorrent/read-worker.ts",
  "src/hooks/watchdog-thread.ts",
  "src/queue/checkpoint-thread.ts",
  "src/plugins/mirror/walk-worker.ts",
];

const started = performance.now();
const proc = Bun.spawnSync(cmd, { stdout: "inherit", stderr: "inherit", cwd: import.meta.dir });
if (proc.exitCode !== 0) {
  console.error(`build.ts: bun build failed (exit ${proc.exitCode})`);
  process.exit(1);
}
const check = Bun.spawnSync([outfile, "--version"], { cwd: import.meta.dir });
const version = check.stdout.toString().trim();
if (check.exitCode !== 0 || !version.includes(pkg.version)) {
  console.error(`build.ts: ${outfile} --version failed: ${check.stderr.toString() || version}`);
  process.exit(1);
}
console.log(`built ${outfile}: ${version} in ${((performance.now() - started) / 1000).toFixed(1)} s`);

async function gitRevision(): Promise<string> {
  const r = Bun.spawnSync(["git", "describe", "--always", "--dirty", "--abbrev=12"], {
    cwd: import.meta.dir,
    stderr: "ignore",
  });
  const rev = r.exitCode === 0 ? r.stdout.toString().trim() : "";
  return rev || "unknown";
}
