// The index on real SQLite files.

import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { readSession, type SessionTorrent } from "../../../src/rtorrent/session.ts";
import { DatabaseError, SCHEMA_VERSION, SessionStore } from "../../../src/rtorrent/store.ts";
import { makeTorrent, writeSession, type TorrentSpec } from "../../helpers/rtorrent.ts";
import { tempDir } from "../../helpers/tmp.ts";

function session(dir: string, spec: TorrentSpec, directory: string, custom1 = ""): SessionTorrent {
  const t = makeTorrent(spec);
  writeSession(`${dir}/session`, t, { directory, custom1 });
  const r = readSession(`${dir}/session`, t.hash);
  if (r.kind !== "ok") throw new Error(r.kind);
  return r.torrent;
}

describe("SessionStore", () => {
  test("a new index: WAL, foreign keys, schema version; a torrent and its files", () => {
    using dir = tempDir();
    const store = SessionStore.open(dir.join("db/index.db"));
    expect(store.db.query("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
    expect(store.db.query("PRAGMA foreign_keys").get()).toEqual({ foreign_keys: 1 });
    expect(store.db.query("PRAGMA user_version").get()).toEqual({ user_version: SCHEMA_VERSION });
    const t = session(
      dir.path,
      {
        name: "A",
        files: [
          { path: ["x"], length: 2 },
          { path: ["y"], length: 3 },
        ],
        announce: "http://t.example/a",
      },
      "/data/A",
      "music",
    );
    expect(store.upsert(t)).toBe("added");
    expect(store.get(t.hash)).toMatchObject({
      name: "A",
      tracker: "t.example",
      base: "/data/A",
      size: 5,
      files: 2,
      custom: ["music", "", "", "", ""],
    });
    expect(store.files(t.hash).map((f) => f.path)).toEqual(["/data/A/x", "/data/A/y"]);
    // the original query still works: file holds the path's bytes
    const raw = store.db.query<{ file: Uint8Array }, []>("SELECT file FROM session_files ORDER BY file").all();
    expect(new TextDecoder().decode(raw[0]!.file)).toBe("/data/A/x");
    store.close();
  });

  test("refresh: unchanged, updated (custom1), moved data replaces the file rows", () => {
    using dir = tempDir();
    const store = SessionStore.open(":memory:");
    const spec = { name: "B", files: [{ path: ["f"], length: 1 }] };
    expect(store.upsert(session(dir.path, spec, "/d1/B"))).toBe("added");
    expect(store.upsert(session(dir.path, spec, "/d1/B"))).toBe("unchanged");
    expect(store.upsert(session(dir.path, spec, "/d1/B", "label"))).toBe("updated");
    const moved = session(dir.path, spec, "/d2/B", "label");
    expect(store.upsert(moved)).toBe("updated");
    expect(store.files(moved.hash).map((f) => f.path)).toEqual(["/d2/B/f"]);
  });

  test("an original rtorrent_event database is migrated in place, rows kept", () => {
    using dir = tempDir();
    const db = new Database(dir.join("file.db"));
    db.run(
      "CREATE TABLE torrent_data (hash text PRIMARY KEY, name text, tracker text, " +
        "torrent blob, libtorrent blob, rtorrent blob)",
    );
    db.run(
      "CREATE TABLE session_files (hash text NOT NULL, file path NOT NULL, PRIMARY KEY (hash, file), " +
        "FOREIGN KEY (hash) REFERENCES torrent_data(hash))",
    );
    db.run("INSERT INTO torrent_data (hash, name, tracker) VALUES ('AB', 'old', 'tr')");
    db.run("INSERT INTO session_files VALUES ('AB', ?)", [new TextEncoder().encode("/data/old")]);
    db.close();
    const store = SessionStore.open(dir.join("file.db"));
    expect(store.get("AB")).toMatchObject({ name: "old", tracker: "tr", files: 1, complete: false });
    expect(store.files("AB")[0]!.path).toBe("/data/old");
  });

  test("completion turns on once, and the hook bookkeeping survives", () => {
    using dir = tempDir();
    const store = SessionStore.open(":memory:");
    const t = session(dir.path, { name: "C", length: 1 }, "/d");
    store.upsert(t);
    expect(store.setComplete(t.hash, true)).toBe(true);
    expect(store.setComplete(t.hash, true)).toBe(false);
    expect(store.pendingCompletions()).toEqual([t.hash]);
    store.markCompleteHookRun(t.hash);
    expect(store.pendingCompletions()).toEqual([]);
  });

  test("owners of a path; a refresh that changes nothing writes nothing", () => {
    using dir = tempDir();
    const store = SessionStore.open(":memory:");
    const a = session(dir.path, { name: "A", files: [{ path: ["song"], length: 1 }] }, dir.join("data/A"));
    const c = session(dir.path, { name: "C", files: [{ path: ["song"], length: 1 }] }, dir.join("data/A"));
    expect(store.upsert(a)).toBe("added");
    expect(store.upsert(c)).toBe("added");
    expect(store.owners(dir.join("data/A/song")).sort()).toEqual([a.hash, c.hash].sort());
    const before = store.db.query<{ u: number }, []>("SELECT SUM(updated_at) u FROM torrent_data").get()!.u;
    expect(store.upsert(a, Date.now() + 1000)).toBe("unchanged");
    expect(store.db.query<{ u: number }, []>("SELECT SUM(updated_at) u FROM torrent_data").get()!.u).toBe(before);
  });

  test("a corrupt database file is a DatabaseError with exit code 11 and a hint", () => {
    using dir = tempDir();
    writeFileSync(dir.join("bad.db"), "this is not a database, just some text that is long enough to have a header");
    try {
      SessionStore.open(dir.join("bad.db"));
      throw new Error("opened");
    } catch (e) {
      expect(e).toBeInstanceOf(DatabaseError);
      expect((e as DatabaseError).exitCode).toBe(11);
      expect((e as DatabaseError).hint).toContain("--db");
    }
  });
});
