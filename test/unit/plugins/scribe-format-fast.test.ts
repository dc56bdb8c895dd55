// The shortcuts of Scribe's text lines give what the plain way gave: the time stamp made
// once per millisecond, names with nothing to escape taken as they are.

import { describe, expect, test } from "bun:test";
import { fsEvent, showPath } from "../../../src/events/index.ts";
import { escapeName, eventLine, noteLine } from "../../../src/plugins/scribe/format.ts";
import { assertProperty, fc } from "../../helpers/prop.ts";

describe("Scribe's shortcuts", () => {
  test("each line has its own time, whatever came before it", () => {
    const ev = fsEvent("IN_CREATE", "/w/f", false, "/w");
    const times = [0, 0, 1, 0, 1000, 1000, 86_400_000, 1].map((ms) => new Date(Date.UTC(2026, 10, 30) + ms));
    for (const t of times) {
      expect(eventLine(ev, t, "text")).toStartWith(`${t.toISOString()} scribe: `);
      expect(noteLine("started", "/w", t, "text")).toStartWith(`${t.toISOString()} scribe: `);
    }
    expect(() => eventLine(ev, new Date(Number.NaN), "text")).toThrow(RangeError);
  });

  test("escapeName is showPath's escapes and \\' for every string", async () => {
    const chars = fc.constantFrom(
      "a",
      "é",
      "'",
      "\\",
      "\n",
      "\t",
      "\x00",
      "\x7f",
      "\udc80",
      "\udcff",
      "\ud83d",
      "\ude00",
    );
    await assertProperty(
      fc.property(fc.array(chars, { maxLength: 12 }), (cs) => {
        const name = cs.join("");
        expect(escapeName(name)).toBe(showPath(name).replaceAll("'", "\\'"));
      }),
      500,
    );
  });
});
