// Reloads with plugins, through the compiled binary: a plugin file saved (by rename, as
// editors do) runs its new code without a restart and keeps its cache; one that does not
// load leaves the old code running; one removed gets dead; plugins_dir picks up new files;
// a config reload starts new watches, ends removed ones, and reconfigures only what changed.

import { describe, expect, test } from "bun:test";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { Running } from "../../helpers/bin.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { waitFor } from "../../helpers/wait.ts";
import { recorder, records, writeConfig } from "./rig.ts";

/** A plugin that records its version and a counter kept in ctx.cache. */
const versioned = (out: string, version: string) => `import { appendFileSync } from "node:fs";
import { definePlugin } from "seedwatch";
export default definePlugin({
  events: ["IN_CLOSE_WRITE"],
  event(ev, ctx) {
    const n = ((ctx.cache.get("n") as number | undefined) ?? 0) + 1;
    ctx.cache.set("n", n);
    appendFileSync(${JSON.stringify(out)},
      JSON.stringify({ call: "event", version: "${version}", n, path: ev.path }) + "\\n");
  },
  dead(ctx, why) {
    appendFileSync(${JSON.stringify(out)}, JSON.stringify({ call: "dead", version: "${version}", why }) + "\\n"); },
});
`;

/** Save the way editors do: write another file, rename it over. */
function saveByRename(path: string, text: string): void {
  writeFileSync(`${path}.swp~`, text);
  renameSync(`${path}.swp~`, path);
}

describe("plugin code reloads", () => {
  test("a save runs the new code (cache kept); a broken save keeps the old; removing the file ends it", async () => {
    using dir = tempDir("reload");
    mkdirSync(dir.join("w"));
    const out = dir.join("out.jsonl");
    writeFileSync(dir.join("p.ts"), versioned(out, "v1"));
    const cfg = writeConfig(
      dir,
      `export default new Pyinotifyd({ watches: [new Watch({ path: "${dir.join("w")}",
  plugins: [new Plugin({ path: "./p.ts" })] })] });`,
    );
    await using w = new Running(["run", cfg]);
    await w.waitStderr(/running /, "running");
    const last = () => records(out).at(-1);
    writeFileSync(dir.join("w/a"), "");
    await waitFor(() => last()?.path === dir.join("w/a"), "a");
    expect(last()).toMatchObject({ version: "v1", n: 1 });

    saveByRename(dir.join("p.ts"), versioned(out, "v2"));
    await w.waitStderr(/plugin file .*p\.ts loaded: 1 plugin\(s\) use the new code/, "v2 loaded");
    writeFileSync(dir.join("w/b"), "");
    await waitFor(() => last()?.path === dir.join("w/b"), "b");
    expect(last()).toMatchObject({ version: "v2", n: 2 });

    writeFileSync(dir.join("p.ts"), `${versioned(out, "v3")}\nexport const broken = ;\n`);
    await w.waitStderr(
      /p\.ts:\d+:\d+: .*[\s\S]*failed to load \(1 error\); the version already running stays/,
      "refused",
    );
    writeFileSync(dir.join("w/c"), "");
    await waitFor(() => last()?.path === dir.join("w/c"), "c");
    expect(last()).toMatchObject({ version: "v2", n: 3 });

    rmSync(dir.join("p.ts"));
    await waitFor(() => last()?.call === "dead", "dead");
    expect(last()).toEqual({ call: "dead", version: "v2", why: "its plugin file was removed" });
    writeFileSync(dir.join("w/d"), "");
    writeFileSync(dir.join("w/e"), "");
    await w.waitStderr(/plugin file .*p\.ts was removed: 1 plugin\(s\) end/, "removed");
    expect(await w.stop("SIGTERM")).toBe(0);
    expect(records(out).filter((r) => r.call === "event").length).toBe(3);
  });

  test("plugins_dir: plugins by name; a new file there is loaded; _private.ts is not", async () => {
    using dir = tempDir("reload");
    mkdirSync(dir.join("w"));
    mkdirSync(dir.join("plugins"));
    const out = dir.join("out.jsonl");
    writeFileSync(dir.join("plugins/notify.ts"), versioned(out, "n1"));
    writeFileSync(dir.join("plugins/_private.ts"), "this is not TypeScript");
    const cfg = writeConfig(
      dir,
      `export default new Pyinotifyd({ plugins_dir: "./plugins", watches: [new Watch({ path: "${dir.join("w")}",
  plugins: [new Plugin({ name: "notify" })] })] });`,
    );
    await using w = new Running(["run", cfg]);
    await w.waitStderr(/running /, "running");
    writeFileSync(dir.join("w/a"), "");
    await waitFor(() => records(out).at(-1)?.path === dir.join("w/a"), "a");
    writeFileSync(dir.join("plugins/later.ts"), versioned(out, "l1"));
    await w.waitStderr(/plugin file .*plugins\/later\.ts loaded\n/, "the new file is loaded");
    writeFileSync(dir.join("plugins/_other.ts"), "neither is this");
    saveByRename(dir.join("plugins/notify.ts"), versioned(out, "n2"));
    await w.waitStderr(/plugins\/notify\.ts loaded: 1 plugin/, "notify reloaded");
    expect(w.stderr).not.toContain("_private");
    expect(w.stderr).not.toContain("_other");
    expect(await w.stop("SIGTERM")).toBe(0);
  });
});

describe("config reloads with plugins", () => {
  test("a new watch starts (init), a removed one ends (dead), only changed options reconfig", async () => {
    using dir = tempDir("reload");
    for (const d of ["a", "b", "c"]) mkdirSync(dir.join(d));
    const out = (n: string) => dir.join(`${n}.jsonl`);
    for (const n of ["a", "b", "c"]) writeFileSync(dir.join(`${n}.ts`), recorder(out(n)));
    const body = (watches: string) => `export default new Pyinotifyd({ watches: [${watches}] });`;
    const watch = (n: string, opt: number) =>
      `new Watch({ path: "${dir.join(n)}", plugins: [new Plugin({ path: "./${n}.ts", options: { opt: ${opt} } })] })`;
    const cfg = writeConfig(dir, body(`${watch("a", 1)}, ${watch("b", 1)}`));
    await using w = new Running(["run", cfg]);
    await w.waitStderr(/running /, "running");
    writeConfig(dir, body(`${watch("a", 1)}, ${watch("c", 1)}`).replace(/\n$/, ""));
    // the save reloads: b's watch ends, c's starts
    await waitFor(() => records(out("b")).at(-1)?.call === "dead", "b ends");
    await waitFor(() => records(out("c")).some((r) => r.call === "init"), "c starts");
    writeConfig(dir, body(`${watch("a", 2)}, ${watch("c", 1)}`));
    await waitFor(() => records(out("a")).some((r) => r.call === "reconfig"), "a reconfigured");
    await w.waitStderr(/config reloaded[\s\S]*config reloaded/, "both reloads done");
    writeFileSync(dir.join("c/x"), "");
    await waitFor(() => records(out("c")).some((r) => r.path === dir.join("c/x")), "c gets events");
    expect(records(out("a")).map((r) => r.call)).toEqual(["init", "reconfig"]);
    expect(records(out("a"))[1]!.options).toEqual({ opt: 2 });
    expect(records(out("b")).map((r) => `${r.call}${r.why ? `: ${r.why}` : ""}`)).toEqual([
      "init",
      "dead: its watch was removed from the config",
    ]);
    expect(
      records(out("c"))
        .filter((r) => r.call !== "event")
        .map((r) => r.call),
    ).toEqual(["init"]);
    expect(await w.stop("SIGTERM")).toBe(0);
  });
});
