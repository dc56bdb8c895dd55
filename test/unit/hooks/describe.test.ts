// What users read when their code fails: Bun's real build errors (files written and
// imported here, so the shapes are Bun's own) and real thrown errors.

import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { watched } from "../../../src/hooks/call.ts";
import { clean, describeError, describeLoadError } from "../../../src/hooks/describe.ts";
import { tempDir } from "../../helpers/tmp.ts";

async function importError(
  source: string,
  name = "bad.ts",
  query = "",
): Promise<{ err: unknown; path: string; dir: ReturnType<typeof tempDir> }> {
  const dir = tempDir("describe");
  const path = dir.join(name);
  writeFileSync(path, source);
  try {
    await import(`${path}${query}`);
  } catch (err) {
    return { err, path, dir };
  }
  throw new Error(`${name} loaded`);
}

describe("describeLoadError", () => {
  test("each of several syntax errors: file:line:col, the source line, a caret under the column", async () => {
    const { err, path, dir } = await importError("export function post_add( {\n  return 1;\n}\n");
    using _ = dir;
    expect((err as Error).name).toBe("AggregateError"); // Bun: "3 errors building …"
    const d = describeLoadError(err)!;
    expect(d.count).toBe(3);
    expect(d.lines.slice(0, 3)).toEqual([`${path}:2:10: Expected "}" but found "1"`, "    return 1;", "           ^"]);
    expect(d.lines.filter((l) => l.startsWith(`${path}:`))).toHaveLength(3);
  });

  test("a reload's ?v= never shows, in the file names or the messages", async () => {
    const { err, path, dir } = await importError(
      "export const a = (;\nexport const b = ;\n",
      "cfg.ts",
      `?v=${Date.now()}`,
    );
    using _ = dir;
    const d = describeLoadError(err)!;
    expect(d.lines.join("\n")).not.toContain("?v=");
    expect(d.lines[0]).toStartWith(`${path}:1:`);
  });

  test("one error in a file the loaded file imports names that file", async () => {
    const dir = tempDir("describe");
    using _ = dir;
    writeFileSync(dir.join("util.ts"), "export const x = 1 +;\n");
    writeFileSync(dir.join("hooks.ts"), 'import { x } from "./util.ts";\nexport const y = x;\n');
    const err = await import(dir.join("hooks.ts")).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(describeLoadError(err)!.lines).toEqual([
      `${dir.join("util.ts")}:1:21: Unexpected ;`,
      "  export const x = 1 +;",
      "                      ^",
    ]);
  });

  test("tabs are kept under the caret, and a very long line is cut around the column", async () => {
    const { err, path, dir } = await importError("\tconst a = ;\n");
    using _ = dir;
    expect(describeLoadError(err)!.lines).toEqual([`${path}:1:12: Unexpected ;`, "  \tconst a = ;", "  \t          ^"]);
    const long = await importError(`const a = "${"y".repeat(400)}" + ;\n`);
    using __ = long.dir;
    const [, text, caret] = describeLoadError(long.err)!.lines;
    expect(text!.length).toBeLessThan(130);
    expect(text![caret!.length - 1]).toBe(";");
  });

  test("an error thrown by the file's top level points at its line", async () => {
    const { err, path, dir } = await importError('const n = 1;\nthrow new TypeError("no config here");\n');
    using _ = dir;
    expect(describeLoadError(err)!.lines).toEqual([
      `${path}:2:11: TypeError: no config here`,
      '  throw new TypeError("no config here");',
      "            ^",
    ]);
  });

  test("a missing import has no position: left to the caller's message", async () => {
    const { err, dir } = await importError('import { z } from "./nope.ts";\nexport const y = z;\n');
    using _ = dir;
    expect(describeLoadError(err)).toBeUndefined();
    expect(clean((err as Error).message)).toMatch(/Cannot find module '\.\/nope\.ts'/);
  });
});

describe("describeError", () => {
  test("one line with the innermost frame in user code; the user's frames apart, without seedwatch's own", async () => {
    using dir = tempDir("describe");
    const file = dir.join("hooks.ts");
    writeFileSync(
      file,
      'function helper() { throw new Error("boom in helper"); }\nexport function post_add() { helper(); }\n',
    );
    const mod = (await import(file)) as { post_add: () => void };
    let err: unknown;
    try {
      watched({ hook: "hook post_add" }, () => mod.post_add()); // through seedwatch's src/
    } catch (e) {
      err = e;
    }
    const d = describeError(err);
    expect(d.message).toBe("boom in helper");
    expect(d.where).toBe(`${file}:1:31`);
    expect(d.stack!.split("\n").slice(0, 2)).toEqual([`at helper (${file}:1:31)`, `at post_add (${file}:2:30)`]);
    expect(d.stack).not.toContain("/src/hooks/"); // this test's own frames follow
  });

  test("names other than Error are kept; values that are not errors are shown as they are", () => {
    expect(describeError(new TypeError("x is not a function")).message).toBe("TypeError: x is not a function");
    expect(describeError("a string")).toEqual({ message: "a string" });
    expect(describeError({ code: 3 }).message).toBe("{ code: 3, }");
    expect(describeError(undefined).message).toBe("undefined");
  });
});
