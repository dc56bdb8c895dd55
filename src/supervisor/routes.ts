// RouteTable: which roots the one watcher holds for the services, and which service gets
// each event. Pure bookkeeping: the Supervisor makes the watcher follow what it says.
//
// Theory of operation
// - A service claims roots (WatchRequest). Claims on one path share one watch, added with
//   the union of what they ask: recursive, auto_add and events. The watch gets the claims'
//   filter when they all have the same (one claim, or a config reloaded with the same
//   excludes); otherwise each claim's filter is applied here, to its own events, excluded
//   directories included: a service never sees what it excluded, whoever shares its watch.
//   If any claim on a root polls, the root is polled (at the shortest interval asked).
// - A claim below another claim's recursive root is served by that root's watch, not a
//   root of its own: inotify has one watch per directory and fd, and two roots holding the
//   same directory would take it from each other. Only when it is reached from that root
//   without a symlink (the walk never follows one), so that its events come from there,
//   and only by a root watched the same way (inotify, or polled at the same interval).
// - An event goes to each service holding a claim on its path that the event's watch
//   serves: that service's longest such claim, with `root` set to the claim's root.
//   overflow and rescanned go to every claim the watch serves; so does gone. A claim
//   served from above gets its own gone when its directory is deleted or moved away.
// - A watch is never narrowed while it runs (that would drop and re-add it); one that no
//   longer serves what is claimed is re-added wider (diff). Claims whose root is gone stay
//   (their owner decides what that means) but need no watch.

import { CHANGE_EVENTS, type EventName, type FsEvent } from "../events/index.ts";
import { isExcluded, isReported, NO_FILTER, type PathFilter } from "../watch/index.ts";
import type { WatchRequest } from "./service.ts";

/** How one root is added to the watcher. */
export interface RootPlan {
  recursive: boolean;
  autoAdd: boolean;
  events: EventName[];
  filter: PathFilter;
  /** Poll every this many ms instead of inotify. */
  poll?: number;
}

/** `inner` lies below `outer` and is a directory reached from it without a symlink. */
export type Reachable = (outer: string, inner: string) => boolean;

export class RouteTable<S> {
  private claims: Claim<S>[] = [];
  /** Roots in the watcher now, as they were added, and the key of the filter applied there. */
  private readonly watched = new Map<string, { plan: RootPlan; filterKey: string }>();

  constructor(private readonly reachable: Reachable) {}

  claim(owner: S, requests: WatchRequest[]): void {
    for (const r of requests) this.claims.push(toClaim(owner, r));
  }

  /** Drop `owner`'s claims (on `root` only, if given). */
  release(owner: S, root?: string): void {
    this.claims = this.claims.filter((c) => c.owner !== owner || (root !== undefined && c.root !== root));
  }

  /** Roots `owner` holds that are not gone. */
  rootsOf(owner: S): string[] {
    return this.claims.filter((c) => c.owner === owner && !c.gone).map((c) => c.root);
  }

  /**
   * What the watcher must change to serve every claim: roots to remove first (no longer
   * needed, or now served from above), then roots to add (new, or re-added wider).
   */
  diff(): { remove: string[]; add: [string, RootPlan][] } {
    const wanted = this.plan();
    const remove = [...this.watched.keys()].filter((root) => !wanted.has(root));
    const add = [...wanted].filter(([root, plan]) => {
      const now = this.watched.get(root);
      return !now || !covers(now.plan, plan);
    });
    return { remove, add };
  }

  /** The watcher holds `root` as `plan` now (undefined: not at all). */
  setWatched(root: string, plan: RootPlan | undefined): void {
    if (plan) this.watched.set(root, { plan, filterKey: filterKey(plan.filter) });
    else this.watched.delete(root);
  }

  isWatched(root: string): boolean {
    return this.watched.has(root);
  }

  /** Who gets `ev` (from the watch on `ev.root`), and as what. */
  route(ev: FsEvent): [S, FsEvent][] {
    if (ev.kind === "overflow" || ev.kind === "rescanned" || (ev.kind === "gone" && ev.path === ev.root)) {
      const served = this.claims.filter((c) => !c.gone && c.servedBy === ev.root);
      if (ev.kind === "gone") {
        this.watched.delete(ev.root);
        for (const c of served) c.gone = true;
      }
      return served.map((c) => [c.owner, { ...ev, path: c.root, root: c.root }]);
    }
    // Per event, so no copy of the claims and no Map: each owner's longest claim holding the path, in order.
    const best: Claim<S>[] = [];
    for (const c of this.claims) {
      if (c.gone || c.servedBy !== ev.root || !holds(c, ev.path)) continue;
      let i = 0;
      while (i < best.length && best[i]!.owner !== c.owner) i++;
      if (i === best.length || c.root.length > best[i]!.root.length) best[i] = c;
    }
    const out: [S, FsEvent][] = [];
    const applied = this.watched.get(ev.root)?.filterKey;
    for (const c of best) {
      if (reports(c, ev, applied)) out.push([c.owner, c.root === ev.root ? ev : { ...ev, root: c.root }]);
    }
    if (!leaves(ev)) return out;
    for (const c of this.claims) {
      if (c.gone || c.servedBy !== ev.root || c.root === c.servedBy || ev.path !== c.root) continue;
      c.gone = true;
      out.push([c.owner, { kind: "gone", path: c.root, names: [selfName(ev)], dir: true, root: c.root }]);
    }
    return out;
  }

  // --- internal ---

  /** The roots the live claims need, each claim assigned to the one that serves it. */
  private plan(): Map<string, RootPlan> {
    const live = this.claims.filter((c) => !c.gone);
    const outer = [...new Set(live.filter((c) => c.recursive).map((c) => c.root))].sort((a, b) => a.length - b.length);
    const pollOf = new Map<string, number | undefined>();
    for (const c of live) pollOf.set(c.root, shorter(pollOf.get(c.root), c.poll));
    const servedBy = new Map<string, string>();
    const serving = (path: string): string => {
      let root = servedBy.get(path);
      if (root !== undefined) return root;
      const same = (o: string) => pollOf.get(o) === pollOf.get(path);
      const above = outer.find((o) => path.startsWith(`${o}/`) && same(o) && this.reachable(o, path));
      root = above === undefined ? path : serving(above);
      servedBy.set(path, root);
      return root;
    };
    const plans = new Map<string, Claim<S>[]>();
    for (const c of live) {
      c.servedBy = serving(c.root);
      plans.set(c.servedBy, [...(plans.get(c.servedBy) ?? []), c]);
    }
    return new Map([...plans].map(([root, claims]) => [root, union(root, claims)]));
  }
}

// --- helpers ---

interface Claim<S> {
  owner: S;
  root: string;
  recursive: boolean;
  autoAdd: boolean;
  events: Set<EventName>;
  filter: PathFilter;
  filterKey: string;
  poll: number | undefined;
  /** The watched root that serves it: its own, or a recursive one above it. */
  servedBy: string;
  gone: boolean;
}

/** What a watch must report for a claim served from above to learn that its directory left. */
const LEAVING: EventName[] = ["IN_DELETE", "IN_MOVED_FROM"];

function toClaim<S>(owner: S, r: WatchRequest): Claim<S> {
  const { root } = r;
  const filter = r.filter ?? NO_FILTER;
  return {
    owner,
    root,
    recursive: r.recursive ?? true,
    autoAdd: r.autoAdd ?? true,
    events: new Set(r.events ?? CHANGE_EVENTS),
    filter,
    filterKey: filterKey(filter),
    poll: r.poll,
    servedBy: root,
    gone: false,
  };
}

function union<S>(root: string, claims: Claim<S>[]): RootPlan {
  const events = new Set(claims.flatMap((c) => [...c.events]));
  if (claims.some((c) => c.root !== root)) for (const e of LEAVING) events.add(e);
  const recursive = claims.some((c) => c.recursive);
  const poll = claims.reduce<number | undefined>((p, c) => shorter(p, c.poll), undefined);
  return {
    recursive,
    autoAdd: claims.some((c) => c.recursive && c.autoAdd),
    events: [...events],
    filter: claims.every((c) => c.filterKey === claims[0]!.filterKey) ? claims[0]!.filter : NO_FILTER,
    ...(poll === undefined ? {} : { poll }),
  };
}

/** The shorter of two poll intervals (undefined: not polled). */
function shorter(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}

/** A watch added as `now` serves everything `want` asks (a wider one does). */
function covers(now: RootPlan, want: RootPlan): boolean {
  if (now.poll !== want.poll) return false;
  if ((want.recursive && !now.recursive) || (want.autoAdd && !now.autoAdd)) return false;
  if (!want.events.every((e) => now.events.includes(e))) return false;
  return isEmpty(now.filter) || filterKey(now.filter) === filterKey(want.filter);
}

function isEmpty(f: PathFilter): boolean {
  return f.exclude.length === 0 && f.include.length === 0;
}

/** Filters with the same rules have the same key (a reload builds new ones from the same config). */
function filterKey(f: PathFilter): string {
  return JSON.stringify([f.exclude.map((m) => m.source), f.include.map((m) => m.source)]);
}

/** `path` lies below the claim's root, within its depth. */
function holds<S>(c: Claim<S>, path: string): boolean {
  const n = c.root.length; // startsWith(`${root}/`), without making that string per event
  return path.charCodeAt(n) === 47 && path.startsWith(c.root) && (c.recursive || !path.includes("/", n + 1));
}

/** The claim asked for this event, and its filter (unless the watch applied it) lets it through. */
function reports<S>(c: Claim<S>, ev: FsEvent, applied: string | undefined): boolean {
  if (!c.events.has(ev.names[0] as EventName)) return false;
  if (isEmpty(c.filter) || c.filterKey === applied) return true;
  for (let p = ev.path.slice(0, ev.path.lastIndexOf("/")); p.length > c.root.length; p = p.slice(0, p.lastIndexOf("/")))
    if (isExcluded(c.filter, p)) return false; // under an excluded directory: the watch would not have descended
  return isReported(c.filter, ev.path);
}

/** A directory deleted, or moved away (out of the trees, or elsewhere in them). */
function leaves(ev: FsEvent): boolean {
  return ev.dir && (ev.kind === "delete" || (ev.kind === "move" && ev.names[0] === "IN_MOVED_FROM"));
}

function selfName(ev: FsEvent): EventName {
  return ev.names[0] === "IN_DELETE" ? "IN_DELETE_SELF" : "IN_MOVE_SELF";
}
