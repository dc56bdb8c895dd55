// A real rtorrent 0.9.8 (Debian's package) for integration tests, configured as in
// reference/rtorrent-observed.md: headless, session in a temp dir, SCGI on a unix
// socket, every network feature off and bound to loopback.

import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { ScgiClient } from "../../src/rtorrent/xmlrpc.ts";
import { waitFor } from "./wait.ts";

export const HAVE_RTORRENT = Bun.which("rtorrent") !== null;

export interface Rtorrentd extends AsyncDisposable {
  home: string;
  session: string;
  download: string;
  rpc: ScgiClient;
  pid: number;
  stop(): Promise<void>;
  kill(): Promise<void>;
  start(): Promise<void>;
}

export async function startRtorrent(home: string, extraRc = ""): Promise<Rtorrentd> {
  const session = `${home}/session`;
  const download = `${home}/download`;
  const sock = `${home}/rpc.sock`;
  mkdirSync(session, { recursive: true });
  mkdirSync(download, { recursive: true });
  writeFileSync(
    `${home}/rtorrent.rc`,
    `session.path.set = ${session}
session.use_lock.set = yes
directory.default.set = ${download}
network.scgi.open_local = ${sock}
system.daemon.set = true
dht.mode.set = disable
protocol.pex.set = no
trackers.use_udp.set = no
network.port_open.set = no
network.port_range.set = 49164-49164
network.port_random.set = no
network.bind_address.set = 127.0.0.1
network.local_address.set = 127.0.0.1
network.http.proxy_address.set = ""
encoding.add = UTF-8
system.umask.set = 0022
method.set_key = event.download.finished, mark_complete, "execute.nothrow=touch,(cat,(session.path),(d.hash),.complete)"
${extraRc}
`,
  );
  const env: Record<string, string> = { HOME: home, PATH: process.env.PATH ?? "/usr/bin:/bin", TERM: "dumb" };
  const d: Rtorrentd = {
    home,
    session,
    download,
    rpc: new ScgiClient(sock),
    pid: 0,
    async start() {
      // rtorrent prints its fatal errors ("Could not lock session directory…") on stdout.
      const proc = Bun.spawn(["setsid", "rtorrent", "-n", "-o", `import=${home}/rtorrent.rc`], {
        env,
        cwd: home,
        stdin: "ignore",
        stdout: "pipe",
        stderr: "pipe",
      });
      await waitFor(async () => {
        if (proc.exitCode !== null)
          throw new Error(
            `rtorrent exited ${proc.exitCode}: ${await new Response(proc.stderr).text()} / ${await new Response(proc.stdout).text()}`,
          );
        try {
          return (await d.rpc.call("system.pid")) as number;
        } catch {
          return undefined;
        }
      }, "rtorrent answering on its socket").then((pid) => (d.pid = pid));
    },
    async stop() {
      if (!d.pid || !alive(d.pid)) return;
      await d.rpc.call("system.shutdown.normal").catch(() => {});
      await waitFor(() => !alive(d.pid) && !existsSync(`${session}/rtorrent.lock`), "rtorrent stopped", 20_000);
    },
    async kill() {
      process.kill(d.pid, "SIGKILL");
      await waitFor(() => !alive(d.pid), "rtorrent gone (reaped)", 20_000);
    },
    async [Symbol.asyncDispose]() {
      if (d.pid && alive(d.pid)) process.kill(d.pid, "SIGKILL");
    },
  };
  await d.start();
  return d;
}

/**
 * Whether the process still exists. A zombie counts: rtorrent decides that a session lock
 * is stale by kill(pid, 0), which succeeds on a zombie, so a restart must wait until the
 * dead rtorrent is reaped (Bun reaps its children soon after they end).
 */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
