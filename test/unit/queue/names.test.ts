// Sort names and title matching: distleech's conversion table, and generated variants of
// a title (case, punctuation, entities, diacritics, "&"/"and") that must still match
// while a different title must not.

import { describe, expect, test } from "bun:test";
import { matchRank, normalizeTitle, sortNameToArtist } from "../../../src/queue/gazelle/names.ts";
import { decodeName, parseFileList } from "../../../src/queue/gazelle/shapes.ts";
import { assertProperty, fc } from "../../helpers/prop.ts";

describe("sortNameToArtist (distleech's cases)", () => {
  test.each([
    ["Cockburn, Bruce", "Bruce Cockburn"], // one comma: swapped
    ["  Cockburn ,  Bruce  ", "Bruce Cockburn"],
    ["Prince, The Artist Formerly Known As/Prince", "Prince"], // one comma, a "/" after it: the text after it
    ["Crosby, Stills, Nash & Young", "Crosby, Stills, Nash & Young"], // more than one comma: unchanged
    ["  Logistics ", "Logistics"], // no comma: stripped
    ["Björk", "Björk"],
  ])("%p → %p", (sort, display) => {
    expect(sortNameToArtist(sort)).toBe(display);
  });
});

describe("entities", () => {
  test("named, numeric and hex references are decoded; plain text is untouched", () => {
    expect(decodeName("Simon &amp; Garfunkel")).toBe("Simon & Garfunkel");
    expect(decodeName("You&#39;ve &#x2013; Bj&ouml;rk &Aacute;g&aelig;tis")).toBe("You've – Björk Ágætis");
    expect(decodeName("AC/DC")).toBe("AC/DC");
  });

  test("fileList entries are split and their names decoded", () => {
    expect(parseFileList("a &amp; b.flac{{{12}}}|||CD1/x&#39;s.flac{{{0}}}")).toEqual([
      { name: "a & b.flac", size: 12 },
      { name: "CD1/x's.flac", size: 0 },
    ]);
    expect(parseFileList("")).toEqual([]);
    expect(() => parseFileList("broken")).toThrow("is not name{{{size}}}");
  });
});

/** HTML named references for some accented letters, as Gazelle escapes them. */
const NAMED: Record<string, string> = {
  é: "&eacute;",
  É: "&Eacute;",
  è: "&egrave;",
  ë: "&euml;",
  ü: "&uuml;",
  Ü: "&Uuml;",
  ö: "&ouml;",
  ä: "&auml;",
  á: "&aacute;",
  à: "&agrave;",
  ç: "&ccedil;",
  ó: "&oacute;",
  í: "&iacute;",
  ú: "&uacute;",
};

describe("matching", () => {
  test("an exact title ranks above a normalised one", () => {
    expect(matchRank("Fear Not", "Fear Not")).toBe(2);
    expect(matchRank("You've Never Seen Everything", "You&#39;ve Never Seen Everything")).toBe(2);
    expect(matchRank("Fear Not", "Fear, Not!")).toBe(1);
    expect(matchRank("Simon and Garfunkel", "Simon &amp; Garfunkel")).toBe(1);
    expect(matchRank("Agaetis Byrjun", "&Aacute;g&aelig;tis byrjun")).toBe(1);
    // ð: a letter of its own, folded by hand
    expect(matchRank("Med sud i eyrum", "Me&eth; su&eth; &iacute; eyrum")).toBe(1);
    expect(matchRank("Fear Not", "Fear Nothing")).toBe(0);
    expect(matchRank("", "!!!")).toBe(0);
  });

  const word = fc.stringMatching(/^[a-z0-9]{1,8}$/);
  const title = fc.array(word, { minLength: 1, maxLength: 6 });

  /** A variant of `words` a site or an inventory might write. */
  const variant = (words: string[]) =>
    fc
      .record({
        cases: fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }),
        seps: fc.array(fc.constantFrom(" ", "  ", ", ", " - ", ": ", "/", " (", ") ", "!", "."), {
          minLength: words.length,
          maxLength: words.length,
        }),
        marks: fc.array(fc.constantFrom("", "\u0301", "\u0308", "\u0300", "\u0327"), { minLength: 64, maxLength: 64 }),
        entities: fc.array(fc.constantFrom("none", "dec", "hex", "named"), { minLength: 64, maxLength: 64 }),
        amp: fc.boolean(),
      })
      .map(({ cases, seps, marks, entities, amp }) => {
        let i = 0;
        const letters = (w: string) =>
          [...w]
            .map((c) => {
              const k = i++ % 64;
              const cased = cases[k] ? c.toUpperCase() : c;
              const marked = /[a-z]/i.test(c)
                ? `${cased}${marks[k]}`.normalize(entities[k] === "none" ? "NFC" : "NFD")
                : cased;
              if (entities[k] === "dec") return [...marked].map((x) => `&#${x.codePointAt(0)};`).join("");
              if (entities[k] === "hex")
                return [...marked].map((x) => `&#x${x.codePointAt(0)!.toString(16)};`).join("");
              if (entities[k] === "named") return NAMED[marked.normalize("NFC")] ?? marked;
              return marked;
            })
            .join("");
        const parts = words.map((w) => (w === "and" ? (amp ? "&amp;" : "&") : letters(w)));
        return parts.map((p, j) => (j ? seps[j]! : "") + p).join("");
      });

  test("generated variants of a title still match it", async () => {
    await assertProperty(
      fc.property(
        title.chain((ws) => fc.tuple(fc.constant(ws), variant(ws))),
        ([ws, v]) => {
          expect(matchRank(ws.join(" "), v)).toBeGreaterThan(0);
        },
      ),
      300,
    );
  });

  test('"&" and "and" are the same word', async () => {
    await assertProperty(
      fc.property(title, title, (a, b) => {
        const wanted = [...a, "and", ...b].join(" ");
        expect(matchRank(wanted, `${a.join(" ")} &amp; ${b.join(" ")}`)).toBe(1);
        expect(matchRank(wanted, `${a.join(" ")} & ${b.join(" ")}`)).toBe(1);
      }),
      100,
    );
  });

  test("a variant of a different title does not match", async () => {
    await assertProperty(
      fc.property(
        title,
        title.chain((ws) => fc.tuple(fc.constant(ws), variant(ws))),
        (wanted, [other, v]) => {
          fc.pre(normalizeTitle(wanted.join(" ")) !== normalizeTitle(other.join(" ")));
          expect(matchRank(wanted.join(" "), v)).toBe(0);
        },
      ),
      300,
    );
  });
});
