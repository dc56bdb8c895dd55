// Running a config as a service: load, start, reload on SIGHUP or when the file changes,
// shut down on SIGINT/SIGTERM. A reload validates the new config first; if it fails to
// load or to start, the old one keeps running and the error is logged.

import { dirname, join, resolve } from "node:path";
import { EXIT } from "../errors.ts";
import { log } from "../log.ts";
import { InotifyWatcher, type WatcherHandlers } from "../watch/index.ts";
import { realClock } from "../clock.ts";
import { loadConfig } from "../hooks/config.ts";
import { RulesDaemon, type DaemonDeps } from "../rules/daemon.ts";
import type { ValidConfig } from "../rules/model.ts";
import { startRtorrent, type RtorrentService } from "../rtorrent/run.ts";
import { dataDir } from "../xdg.ts";

/** The config's rtorrent section, started as in `seedwatch rtorrent SESSION PATHS`. */
async function rtorrentSection(config: ValidConfig): Promise<RtorrentService | undefined> {
  const r = config.rtorrent;
  if (!r) return undefined;
  return startRtorrent({
    session: resolve(r.session),
    roots: (r.paths ?? []).map((p) => resolve(p)),
    db: resolve(r.db ?? join(dataDir(), "rtorrent.db")),
    hookFiles: r.hooks ?? [],
    clean: false,
    force: false,
    remove: r.remove ?? false,
    dryRun: false,
    once: false,
    trash: r.trash,
    maxDelete: r.max_delete,
    hookTimeoutMs: 120_000,
    args: { ...r },
  });
}

/**
 * run --check: load and validate, then refuse what `run` would refuse at start-up (a
 * watch path or the rtorrent session that cannot be watched: same message, hint and
 * exit code), without starting anything.
 */
export async function checkConfig(configPath: string): Promise<ValidConfig> {
  const config = await loadConfig(resolve(configPath));
  const deps: DaemonDeps = { clock: realClock, makeWatcher: (h: WatcherHandlers) => new InotifyWatcher(h) };
  await new RulesDaemon(config, deps).check();
  if (config.rtorrent) {
    const session = new InotifyWatcher({ onEvent: () => {} });
    try {
      await session.add(resolve(config.rtorrent.session), { recursive: false, events: [] });
    } finally {
      await session.close();
    }
  }
  return config;
}

/** A burst of writes to the config (an editor's save) is read once it settles. */
const RELOAD_DEBOUNCE_MS = 200;

export async function superviseConfig(configPath: string): Promise<number> {
  const path = resolve(configPath);
  const out = log.withTag("daemon");
  const deps: DaemonDeps = { clock: realClock, makeWatcher: (h: WatcherHandlers) => new InotifyWatcher(h) };
  let daemon = new RulesDaemon(await loadConfig(path), deps);
  await daemon.start();
  let rtorrent = await rtorrentSection(daemon.config);

  /** Replaced by a reload, still finishing their tasks. */
  const draining = new Set<RulesDaemon>();
  let reloading: Promise<void> = Promise.resolve();
  const reload = (why: string) => {
    reloading = reloading.then(async () => {
      out.info(`${why}: reloading ${path}`);
      let next: RulesDaemon;
      try {
        next = new RulesDaemon(await loadConfig(path, true), deps);
        await next.start();
      } catch (err) {
        out.error(`unable to reload config file '${path}': ${(err as Error).message}; the running config stays`);
        return;
      }
      const old = daemon;
      daemon = next;
      old.pause();
      draining.add(old);
      void old.shutdown().finally(() => draining.delete(old)); // its running tasks finish in the background
      if (JSON.stringify(old.config.rtorrent) !== JSON.stringify(next.config.rtorrent)) {
        await rtorrent?.stop();
        rtorrent = await rtorrentSection(next.config).catch((err) => {
          out.error(`the rtorrent section could not start: ${(err as Error).message}`);
          return undefined;
        });
      }
      out.info("config reloaded");
    });
  };

  // Editors save by writing a new file and renaming it over the old: watch the directory.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const configWatch = new InotifyWatcher({
    onEvent: (ev) => {
      if (ev.path !== path || ev.kind === "delete") return;
      clearTimeout(timer);
      timer = setTimeout(() => reload("config file changed"), RELOAD_DEBOUNCE_MS);
    },
  });
  await configWatch.add(dirname(path), { recursive: false, events: ["IN_CLOSE_WRITE", "IN_MOVED_TO", "IN_CREATE"] });

  let finish!: (code: number) => void;
  const done = new Promise<number>((r) => (finish = r));
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      out.warn(`got signal ${signal}, but shutdown is already in progress; exiting now`);
      for (const d of [daemon, ...draining]) d.endNow(); // no orphans: running commands' groups go too
      process.exit(EXIT.interrupted);
    }
    stopping = true;
    out.info(`got signal ${signal}, shutdown`);
    finish(EXIT.ok);
  };
  const onHup = () =>
    stopping ? out.warn("got signal SIGHUP, but shutdown is already in progress") : reload("got signal SIGHUP");
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  process.on("SIGHUP", onHup);
  out.info(`running ${path}`); // only now: a signal from here on is handled, not fatal
  void rtorrent?.ended.then((c) => finish(c));
  const code = await done;
  clearTimeout(timer);
  await configWatch.close();
  await reloading;
  await Promise.all([daemon.shutdown(), rtorrent?.stop()]);
  process.off("SIGINT", stop);
  process.off("SIGTERM", stop);
  process.off("SIGHUP", onHup);
  return code;
}
