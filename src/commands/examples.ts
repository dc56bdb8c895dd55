// What `seedwatch init` (and `seedwatch service install`) write beside seedwatch.d.ts: an
// example run config, an example hooks file and a tsconfig.json for editors.

export const CONFIG_EXAMPLE = `// seedwatch run config.ts   (types: seedwatch.d.ts, written beside this file)
// Moves finished downloads into a library once they have been left alone for a minute.
// As written it watches nothing, so it runs anywhere: set INCOMING to the directory your
// downloads finish in, check with \`seedwatch run --check <this file>\`, then reload.
import { Cancel, FileManagerRule, FileManagerScheduler, Pyinotifyd, Watch } from "seedwatch";

/** Where finished downloads land, e.g. "/srv/incoming"; it must exist. "": watch nothing. */
const INCOMING: string = "";
/** Where they are moved to; made as needed. */
const LIBRARY: string = "/srv/library";

const files = new FileManagerScheduler({
  delay: 60,
  rules: [
    new FileManagerRule({ action: "move", src_re: \`^\${literal(INCOMING)}/(?P<path>.*\\\\.(mkv|flac))$\`,
      dst_re: \`\${LIBRARY}/\\\\g<path>\`, auto_create: true, filemode: 0o644, dirmode: 0o755 }),
  ],
});

export default new Pyinotifyd({
  shutdown_timeout: 70,
  watches: INCOMING === "" ? [] : [
    new Watch({
      path: INCOMING,
      rec: true,
      auto_add: true,
      event_map: {
        IN_CLOSE_WRITE: files,
        IN_MOVED_TO: files,
        IN_MODIFY: new Cancel(files),
        IN_DELETE: new Cancel(files),
      },
    }),
  ],
});

/** A path as a regular expression that matches just that text. */
function literal(text: string): string {
  return text.replace(/[.*+?^\${}()|[\\]\\\\]/g, "\\\\$&");
}
`;

export const HOOKS_EXAMPLE =
  `// seedwatch rtorrent --hooks hooks.ts …   ` +
  `(types: seedwatch.d.ts, written beside this file)
import { defineHooks, type RmTuple } from "seedwatch";

export default defineHooks({
  post_add(db, file) {
    const row = db.query<{ name: string }>("SELECT name FROM torrent_data WHERE hash = ?").get(file.slice(-48, -8));
    console.log("added", row?.name);
  },
  post_remove(db, file, args, rm: RmTuple) {
    console.log("removed", rm.name, "files deleted:", rm.rmfiles.length);
  },
  async complete(db, path, args, queues) {
    console.log("complete", path);
  },
});
`;

export const WORKER_EXAMPLE =
  `// seedwatch queue work --config worker.ts   ` +
  `(types: seedwatch.d.ts, written beside this file)
// Secrets: write them here, or say where to read them: { env: "NAME" } or { file: "/path" }.
import { defineWorker } from "seedwatch";

export default defineWorker({
  // the coordinator (seedwatch queue serve) and this worker's token (seedwatch queue token add NAME)
  coordinator: { url: "http://127.0.0.1:8080", token: { env: "SEEDWATCH_QUEUE_TOKEN" } },
  sites: [
    // OPS: Authorization: token KEY; RED: the bare key (auth_header: "bare")
    { name: "OPS", url: "https://orpheus.network", api_key: { file: "/etc/seedwatch/ops.key" } },
  ],
  seedboxes: [{ name: "watch", watch_dir: "/srv/rtorrent/watch" }],
  // prefer: { formats: ["FLAC"], encodings: ["24bit Lossless", "Lossless"], media: ["CD", "WEB", "Vinyl"] },
});
`;

export const TSCONFIG = `{
  "compilerOptions": { "strict": true, "target": "esnext", "module": "esnext",
    "moduleResolution": "bundler", "types": [], "noEmit": true },
  "include": ["*.ts"]
}
`;
