// The inventory reader and the duplicate key, without the binary.

import { expect, test } from "bun:test";
import { InventoryError, readInventory } from "../../../src/queue/inventory.ts";
import { albumKey, siteHost } from "../../../src/queue/model.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

test("columns are found whatever their place and case; the rest is extra data", () => {
  const inv = readInventory(
    bytes('Year,album title,ARTIST NAME\n1979,Dancing in the Dragon\'s Jaws,"Cockburn, Bruce"\n'),
    "f",
  );
  expect(inv.rows).toEqual([
    { row: 2, artist: "Cockburn, Bruce", title: "Dancing in the Dragon's Jaws", extra: { Year: "1979" } },
  ]);
});

test("blank lines are skipped and row numbers stay those of the file", () => {
  const inv = readInventory(bytes("Artist Name,Album Title\n\nA,B\n\n ,C\n"), "f");
  expect(inv.rows.map((r) => r.row)).toEqual([3]);
  expect(inv.rejected).toEqual([{ row: 5, reason: 'empty "Artist Name"' }]);
});

test("an empty file, or one with only a header, says so or imports nothing", () => {
  expect(() => readInventory(bytes(""), "f")).toThrow(InventoryError);
  expect(readInventory(bytes("Artist Name,Album Title\n"), "f").rows).toEqual([]);
});

test("the duplicate key folds case, spacing, punctuation, width and a leading The", () => {
  const k = albumKey("Cockburn, Bruce", "Life Short Call Now");
  expect(albumKey("cockburn  bruce", "LIFE SHORT CALL NOW!")).toBe(k);
  expect(albumKey("Ｃｏｃｋｂｕｒｎ, Bruce", "Life Short Call Now")).toBe(k);
  expect(albumKey("The Beatles", "Abbey Road")).toBe(albumKey("Beatles", "Abbey Road"));
  expect(albumKey("A", "B C")).not.toBe(albumKey("A B", "C"));
});

test("a site is kept as its host name, as distleech did", () => {
  expect(siteHost("https://passtheheadphones.me/")).toBe("passtheheadphones.me");
  expect(siteHost("passtheheadphones.me")).toBe("passtheheadphones.me");
  expect(siteHost("HTTPS://RED.example:8443/x")).toBe("red.example:8443");
});

test("a record over several lines is numbered by its first line, and counts its lines for the next", () => {
  const inv = readInventory(bytes('\uFEFFArtist Name,Album Title\r\n"A","multi\r\nline"\r\n,X\r\n'), "f");
  expect(inv.rows.map((r) => r.row)).toEqual([2]);
  expect(inv.rejected.map((r) => r.row)).toEqual([4]);
});
