// SyntheticLedger: when a file a listing found is reported as written.

import { describe, expect, test } from "bun:test";
import { lstatSync, writeFileSync } from "node:fs";
import { SyntheticLedger, WRITE_SETTLE_MS } from "../../../src/watch/ledger.ts";
import { tempDir } from "../../helpers/tmp.ts";

describe("SyntheticLedger", () => {
  test(
    "a file whose status changed just now is not written yet: " +
      "it waits, then is (open(O_CREAT) shows it before its writer counts)",
    () => {
      using dir = tempDir();
      const f = dir.join("f");
      writeFileSync(f, "");
      const ctime = lstatSync(f).ctimeMs;
      let now = ctime + 1;
      const ledger = new SyntheticLedger<string>(() => now);
      ledger.recordWrite(f, "root");
      ledger.check(() => false);
      expect(ledger.takeDue()).toEqual([]);
      expect(ledger.size).toBe(1); // kept for a later check
      now = ctime + WRITE_SETTLE_MS;
      ledger.check(() => false);
      expect(ledger.takeDue()).toEqual([[f, "root"]]);
      expect(ledger.size).toBe(0);
    },
  );

  test("a young file whose writer shows up is left to the writer's own IN_CLOSE_WRITE", () => {
    using dir = tempDir();
    const f = dir.join("f");
    writeFileSync(f, "");
    const ctime = lstatSync(f).ctimeMs;
    const ledger = new SyntheticLedger<string>(() => ctime + 1);
    ledger.recordWrite(f, "root");
    ledger.check(() => false);
    ledger.takeDue();
    ledger.check(() => true); // the writer's open completed
    expect(ledger.takeDue()).toEqual([]);
    expect(ledger.size).toBe(0);
  });

  test("a real IN_CLOSE_WRITE between the two steps cancels the synthetic one", () => {
    using dir = tempDir();
    const f = dir.join("f");
    writeFileSync(f, "x");
    const ledger = new SyntheticLedger<string>(() => lstatSync(f).ctimeMs + WRITE_SETTLE_MS);
    ledger.recordWrite(f, "root");
    ledger.check(() => false);
    ledger.realWrite(f);
    expect(ledger.takeDue()).toEqual([]);
  });
});
