// seedwatch queue serve|import|token|status|ls|work|identify: the download queue. Each sub-verb
// is a file in queue/, loaded only when named; every one but work (--config) takes --db.

import { DB_ARG } from "./queue/common.ts";
import { defineGroup } from "./verbs.ts";

export default defineGroup({
  name: "queue",
  description: "A download queue shared by several seedboxes (distleech, without its bugs)",
  shared: DB_ARG,
  sharedExcept: ["work"], // a worker reaches the queue through the coordinator in worker.ts
  verbs: {
    serve: {
      describe: "run the coordinator: HTTP API, distleech's endpoints, the web page",
      load: () => import("./queue/serve.ts"),
    },
    import: {
      describe: "add albums from inventory CSV files (Artist Name, Album Title)",
      load: () => import("./queue/import.ts"),
    },
    token: {
      describe: "add, list or revoke the tokens workers and the web page use",
      load: () => import("./queue/token.ts"),
    },
    status: {
      describe: "the queue's numbers: albums and downloads by state, workers",
      load: () => import("./queue/status.ts"),
    },
    ls: { describe: "list albums or downloads, as a table or JSON", load: () => import("./queue/ls.ts") },
    work: {
      describe: "a worker: search albums on Gazelle trackers, hand torrents to a seedbox (--config worker.ts)",
      load: () => import("./queue/work.ts"),
    },
    identify: {
      describe: "match finished directories to the queue's torrents and report them complete",
      load: () => import("./queue/identify.ts"),
    },
  },
  examples: `
EXAMPLES
  seedwatch queue import inventory.csv
  seedwatch queue token add seedbox-a
  seedwatch queue serve --listen 127.0.0.1:8080
  seedwatch queue work --config worker.ts`,
});
