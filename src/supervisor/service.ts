// Service: what the supervisor starts, feeds and stops. The rules of a run config, the
// rtorrent tracker and the config file's own watch are services; plugins and the queue
// will be. A service never makes a watcher: it says which roots it needs, and the
// supervisor's one watcher delivers their events to it.

import type { Clock } from "../clock.ts";
import type { FsEvent } from "../events/index.ts";
import type { Watcher, WatchOptions } from "../watch/index.ts";

/** A root a service needs watched, and how (recursive, events, filter: as Watcher.add). */
export interface WatchRequest extends WatchOptions {
  root: string;
  /**
   * List the tree every this many ms instead of using inotify (NFS, FUSE sources). Claims
   * on one root share one watch: if any polls, it polls, at the shortest interval.
   */
  poll?: number;
}

export interface Service {
  /** For the log: "rules", "rtorrent /home/me/.session". */
  readonly name: string;
  /** The roots to watch before start(); asked once, when the service is added. */
  watches(): WatchRequest[];
  /**
   * Called once its watches are in place, so a service that reconciles with the disk
   * misses nothing written meanwhile. Events may arrive before it resolves (and, rarely,
   * just before it is called). If it throws, the service has released what it took.
   */
  start(ctx: ServiceContext): Promise<void>;
  /** An event under one of its roots, with `root` set to that root; also overflow, rescanned and gone. */
  onEvent(ev: FsEvent): void;
  /** Finish what is running and release what it holds. No event is delivered once it is called. */
  stop(): Promise<void>;
  /** Settles with an exit code if the service ends by itself (its root is gone); never otherwise. */
  readonly ended: Promise<number>;
  /** The process is exiting now (a second signal): end at once what can be ended (process groups). */
  endNow?(): void;
  /** SIGUSR1 (or a reload): reopen the files it writes to, which logrotate moved away. */
  reopen?(): void;
}

export interface ServiceContext {
  clock: Clock;
  /** This service's view of the one watcher: roots it adds there are routed to it alone. */
  watcher: Watcher;
  /** Ask for a reload, as SIGHUP does (the config file was saved). */
  reload(why: string): void;
}
