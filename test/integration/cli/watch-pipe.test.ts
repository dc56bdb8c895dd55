// `seedwatch watch | head -1`: when the reader of standard output goes away, the watch
// ends with status 0. It used to crash (status 1, a Bun stack trace): Bun throws EPIPE
// from flush() itself, which a .catch() on its promise never saw.

import { expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { BIN } from "../../helpers/bin.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { waitFor } from "../../helpers/wait.ts";

test("a reader that closes standard output ends the watch with status 0, and no stack trace", async () => {
  using dir = tempDir("pipe");
  mkdirSync(dir.join("w"));
  const [err, status] = [dir.join("stderr"), dir.join("status")];
  const script = `"$0" watch -r "$1" 2>"$2" | head -1 >/dev/null; echo "\${PIPESTATUS[0]}" >"$3"`;
  const sh = Bun.spawn(["bash", "-c", script, BIN, dir.join("w"), err, status], {
    env: { ...process.env, NO_COLOR: "1" },
  });
  try {
    await waitFor(() => existsSync(err) && readFileSync(err, "utf8").includes("watching"), "watching");
    let n = 0;
    await waitFor(() => {
      writeFileSync(dir.join(`w/f${n++}`), ""); // the first line ends head; the next write finds the pipe closed
      return existsSync(status) && readFileSync(status, "utf8").trim() !== "";
    }, "the watch ended");
    expect(readFileSync(err, "utf8")).not.toContain("EPIPE");
    expect(readFileSync(status, "utf8").trim()).toBe("0");
  } finally {
    sh.kill();
  }
});
