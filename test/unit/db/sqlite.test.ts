// openSqlite: WAL, foreign keys, numbered migrations, copies for dry runs, clear errors.

import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { DatabaseError, openSqlite, schemaVersion, type Migration } from "../../../src/db/sqlite.ts";
import { tempDir } from "../../helpers/tmp.ts";

const ran: number[] = [];
const steps: Migration[] = [
  { version: 1, up: (db) => (ran.push(1), db.run("CREATE TABLE a (x)")) },
  { version: 2, up: (db) => (ran.push(2), db.run("CREATE TABLE b (y)")) },
];

describe("openSqlite", () => {
  test("a new file: WAL, foreign keys, every migration once, in order; reopening runs none", () => {
    using dir = tempDir();
    ran.length = 0;
    const db = openSqlite(dir.join("sub/x.db"), { migrations: steps, what: "the test db" });
    expect(db.query("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
    expect(db.query("PRAGMA foreign_keys").get()).toEqual({ foreign_keys: 1 });
    expect([schemaVersion(db), ran]).toEqual([2, [1, 2]]);
    db.close();
    openSqlite(dir.join("sub/x.db"), { migrations: steps, what: "the test db" }).close();
    expect(ran).toEqual([1, 2]);
  });

  test("an older file runs only the newer steps; a newer one is refused with a hint", () => {
    using dir = tempDir();
    const old = new Database(dir.join("old.db"));
    old.run("CREATE TABLE a (x)");
    old.run("PRAGMA user_version = 1");
    old.close();
    ran.length = 0;
    openSqlite(dir.join("old.db"), { migrations: steps, what: "the test db" }).close();
    expect(ran).toEqual([2]);
    const newer = new Database(dir.join("new.db"));
    newer.run("PRAGMA user_version = 9");
    newer.close();
    expect(() => openSqlite(dir.join("new.db"), { migrations: steps, what: "the test db" })).toThrow(DatabaseError);
  });

  test("a copy is in memory: the file's bytes never change; garbage is a DatabaseError naming the flag", () => {
    using dir = tempDir();
    openSqlite(dir.join("x.db"), { migrations: steps, what: "the test db" }).close();
    const before = readFileSync(dir.join("x.db"));
    const copy = openSqlite(dir.join("x.db"), { migrations: steps, what: "the test db", copy: true });
    copy.run("INSERT INTO a VALUES (1)");
    copy.close();
    expect(readFileSync(dir.join("x.db")).equals(before)).toBe(true);
    writeFileSync(dir.join("bad.db"), "not a database, but long enough to look like a header......");
    try {
      openSqlite(dir.join("bad.db"), { migrations: steps, what: "the test db", flag: "--db" });
      throw new Error("opened");
    } catch (e) {
      expect(e).toBeInstanceOf(DatabaseError);
      expect((e as DatabaseError).exitCode).toBe(11);
      expect((e as DatabaseError).hint).toContain("--db");
    }
  });
});
