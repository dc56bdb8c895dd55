// seedwatch queue token add NAME [--read-only] | list | revoke NAME. `add` prints the
// token alone on stdout (a script captures it) and how to use it on stderr; only its
// hash is stored, so it cannot be shown again.

import { EXIT, SeedError, UsageError } from "../../errors.ts";
import { checkTokenName, hashToken, newToken } from "../../queue/tokens.ts";
import { defineVerb } from "../args.ts";
import { DB_ARG, openDb } from "./common.ts";

const ACTIONS = ["add", "list", "revoke"] as const;

export default defineVerb({
  name: "queue token",
  description: "Add, list or revoke the tokens that workers, distleech clients and the web page use",
  args: {
    action: { type: "positional", valueHint: "add|list|revoke", description: "what to do" },
    name: { type: "positional", required: false, valueHint: "NAME", description: "the token's name (add, revoke)" },
    readOnly: {
      type: "boolean",
      description: "add: a token that can read (the web page, stats) but not lease or submit",
    },
    ...DB_ARG,
  },
  examples: `
EXAMPLES
  TOKEN=$(seedwatch queue token add seedbox-a)
  curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8080/api/v1/stats
  curl -u "seedbox-a:$TOKEN" http://127.0.0.1:8080/metadata/5     (distleech clients)
  seedwatch queue token add dashboard --read-only                   (the web page)
  seedwatch queue token revoke seedbox-a`,
  async run(a) {
    const action = a.action as (typeof ACTIONS)[number];
    if (!ACTIONS.includes(action))
      throw new UsageError(`unknown action ${JSON.stringify(a.action)}`, `one of ${ACTIONS.join(", ")}`);
    if (action !== "list" && !a.name)
      throw new UsageError(`${action} needs a NAME`, `seedwatch queue token ${action} NAME`);
    if (action === "list" && a.name) throw new UsageError("list takes no NAME", "seedwatch queue token list");
    const store = await openDb(a.db, { mustExist: action !== "add" });
    try {
      if (action === "add") {
        const name = checkTokenName(a.name!);
        const token = newToken();
        const ok = await store.addToken({ name, hash: hashToken(token), readOnly: a.readOnly, createdAt: Date.now() });
        if (!ok)
          throw new SeedError(`a token named ${name} exists already`, {
            code: "exists",
            exitCode: EXIT.config,
            hint: `revoke it first (seedwatch queue token revoke ${name}), or pick another name`,
          });
        process.stdout.write(`${token}\n`);
        process.stderr.write(
          `token "${name}"${a.readOnly ? " (read-only)" : ""} added; it is shown once, only its hash is kept.\n` +
            `use it as  Authorization: Bearer TOKEN,  or HTTP Basic user "${name}" with the token as password\n`,
        );
      } else if (action === "list") {
        for (const t of await store.listTokens())
          process.stdout.write(
            `${t.name}\t${t.readOnly ? "read-only" : "read-write"}\t${new Date(t.createdAt).toISOString()}\n`,
          );
      } else if (!(await store.revokeToken(a.name!))) {
        throw new SeedError(`no token named ${a.name}`, {
          code: "not-found",
          exitCode: EXIT.notFound,
          hint: "'seedwatch queue token list' shows them",
        });
      } else process.stderr.write(`token "${a.name}" revoked\n`);
      return 0;
    } finally {
      await store.close();
    }
  },
});
