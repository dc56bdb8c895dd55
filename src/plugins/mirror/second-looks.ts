// SecondLooks: the paths a Mirror must look at again because the source changed under
// its work. Work looks at the source as it is when it runs; when that is not yet how the
// events so far describe it (a rename still queued, a folder the watcher does not watch
// yet), the path is kept here, by path relative to the source, until that may have
// changed:
// - missed: work found its path gone. A rename of a folder above it, handled later,
//   carries it to its new place, where it is done (renamed). One that the source has
//   again at the same place when the queue drains is done then, once (recentlyMissed).
// - unsettled: a folder whose mode and times were due when the source had already moved
//   it: settled where a rename puts it.
// - walked: a folder walked below the top, maybe before the watcher had placed its
//   watches there (a folder moved in is walked as its event comes; the watcher watches
//   it after the events queued behind). What such a walk copied and that left in that
//   window is never reported, so the folder is compared once more, CHECK_WALK_MS later
//   with the queue empty (dueWalks).
// Beyond MISSED_MAX paths of one kind they are forgotten, and the next renamed folder is
// compared whole instead.

import { PathMap, under } from "./pending.ts";

/** Paths remembered of one kind, at most. */
export const MISSED_MAX = 10_000;
/** A folder walked below the top is compared again once this long passed (and the queue is empty). */
export const CHECK_WALK_MS = 1000;

/** What a rename of a folder in the mirror leaves to do at its new place. */
export interface AfterRename {
  /** Compare the renamed folder whole (too much was forgotten). */
  whole: boolean;
  /** Missed paths now below it: do them there. */
  redo: string[];
  /** Folders below it whose times are due. */
  settle: string[];
}

export class SecondLooks {
  private readonly missed = new PathMap<true>();
  /** Missed since the queue last drained. */
  private recent: string[] = [];
  private readonly unsettled = new PathMap<true>();
  private readonly walked = new PathMap<number>();
  private tooMany = false;

  /** Work found `rel` gone. `again`: a second look found it gone too (it gets no third). */
  missing(rel: string, again = false): void {
    this.keep(this.missed, rel);
    if (!again && this.recent.length < MISSED_MAX) this.recent.push(rel);
  }

  /** Folders whose times were due when the source had none there. */
  elsewhere(rels: string[]): void {
    for (const rel of rels) this.keep(this.unsettled, rel);
  }

  /** A walk of `rel` (below the top) ended at `now`. */
  walkedAt(rel: string, now: number): void {
    if (rel !== "") this.walked.set(rel, now);
  }

  /**
   * The source renamed `from` to `to`, and the mirror did (or copies `to` whole: `folder`
   * is then true too). `reused`: the source has `from` again, so work done before may have
   * looked at the new one: `to` is compared whole.
   */
  renamed(from: string, to: string, folder: boolean, reused: boolean): AfterRename {
    this.walked.rename(from, to);
    const settle = this.unsettled.rename(from, to);
    for (const p of settle) this.unsettled.delete(p);
    const redo = this.missed.rename(from, to);
    for (const p of redo) this.missed.delete(p);
    if (folder && (this.tooMany || reused)) {
      this.tooMany = false;
      return { whole: true, redo: [], settle };
    }
    return { whole: false, redo, settle };
  }

  /** `rel` left the source, or is copied whole: nothing below it needs a second look. */
  dropUnder(rel: string): void {
    this.missed.dropUnder(rel);
    this.unsettled.dropUnder(rel);
  }

  /** Paths missed since the queue last drained and not redone since; each is given once. */
  recentlyMissed(): string[] {
    const out = this.recent.filter((rel) => this.missed.delete(rel));
    this.recent = [];
    return out;
  }

  /** Folders walked CHECK_WALK_MS ago or more, outermost only; each is given once. */
  dueWalks(now: number): string[] {
    const out: string[] = [];
    for (const [rel, at] of this.walked.entries()) {
      if (now - at < CHECK_WALK_MS) continue;
      this.walked.delete(rel);
      if (!out.some((o) => under(rel, o))) out.push(rel);
    }
    return out;
  }

  /** When the next walk is due to be compared again. */
  nextDue(): number | undefined {
    const times = this.walked.entries().map(([, t]) => t + CHECK_WALK_MS);
    return times.length ? Math.min(...times) : undefined;
  }

  clear(): void {
    for (const m of [this.missed, this.unsettled, this.walked] as PathMap<unknown>[]) m.clear();
    this.recent = [];
    this.tooMany = false;
  }

  // --- internal ---

  private keep(set: PathMap<true>, rel: string): void {
    if (set.size >= MISSED_MAX) {
      set.clear();
      this.tooMany = true;
    }
    set.set(rel, true);
  }
}
