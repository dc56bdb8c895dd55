// From the worker config's seedbox to the Seedbox that talks to it.

import type { ResolvedSeedbox } from "../worker-config.ts";
import { RtorrentSeedbox } from "./rtorrent.ts";
import { TransmissionSeedbox } from "./transmission.ts";
import type { Seedbox } from "./types.ts";
import { WatchDirSeedbox } from "./watch-dir.ts";

/** The Seedbox for one configured seedbox; opens no connection yet. */
export function openSeedbox(s: ResolvedSeedbox): Seedbox {
  switch (s.kind) {
    case "rtorrent":
      return new RtorrentSeedbox({ name: s.name, scgi: s.scgi, directory: s.directory });
    case "transmission":
      return new TransmissionSeedbox({
        name: s.name,
        url: s.url,
        username: s.username,
        password: s.password,
        directory: s.directory,
      });
    case "watch":
      return new WatchDirSeedbox({ name: s.name, dir: s.watch_dir });
  }
}
