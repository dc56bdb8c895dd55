// Where seedwatch keeps its files: the XDG base directories.

import { homedir } from "node:os";
import { join } from "node:path";

/** $XDG_DATA_HOME/seedwatch, i.e. ~/.local/share/seedwatch by default. */
export function dataDir(): string {
  return join(process.env.XDG_DATA_HOME || join(process.env.HOME ?? homedir(), ".local/share"), "seedwatch");
}

/** The rtorrent index unless --db (or the config's rtorrent.db) names another. */
export function indexPath(): string {
  return join(dataDir(), "rtorrent.db");
}
