// What a Mirror keeps between events, by path relative to its source: deletions held back
// (see mirror.ts), files created and not yet closed, paths that were gone when their event
// was handled (a rename of a folder above them may explain it next), and failures waiting
// to be tried again. All follow a folder that is renamed, as the files themselves did.

/** `rel` is `dir` or lies below it. */
export function under(rel: string, dir: string): boolean {
  return dir === "" || rel === dir || rel.startsWith(`${dir}/`);
}

/** `rel` with its `from` prefix replaced by `to` (rel lies under from). */
export function moved(rel: string, from: string, to: string): string {
  return to + rel.slice(from.length);
}

/**
 * Paths with a value each, as a tree of path elements: a folder renamed or removed moves
 * or drops everything below it in one step, whatever the number of paths held (churn
 * holds thousands of deletions while renames keep coming).
 */
export class PathMap<V> {
  private readonly top: Node<V> = { kids: new Map() };
  private count = 0;

  get size(): number {
    return this.count;
  }

  set(rel: string, v: V): void {
    const n = this.node(rel, true)!;
    if (!("value" in n)) this.count++;
    n.value = v;
  }

  get(rel: string): V | undefined {
    return this.node(rel, false)?.value;
  }

  delete(rel: string): boolean {
    const n = this.node(rel, false);
    if (!n || !("value" in n)) return false;
    delete n.value;
    this.count--;
    return true;
  }

  entries(): [string, V][] {
    const out: [string, V][] = [];
    const walk = (n: Node<V>, at: string) => {
      if ("value" in n) out.push([at, n.value as V]);
      for (const [k, kid] of n.kids) walk(kid, at === "" ? k : `${at}/${k}`);
    };
    walk(this.top, "");
    return out;
  }

  clear(): void {
    this.top.kids.clear();
    delete this.top.value;
    this.count = 0;
  }

  /** Forget `dir` and everything below it. */
  dropUnder(dir: string): void {
    if (dir === "") return this.clear();
    const sub = this.detach(dir);
    if (sub) this.count -= countOf(sub);
  }

  /** Entries at or below `from` now stand at or below `to`; returns them (new paths). */
  rename(from: string, to: string): string[] {
    if (from === to || from === "" || under(to, from)) return [];
    const sub = this.detach(from);
    if (!sub) return [];
    const moved = countOf(sub);
    this.count -= moved;
    this.dropUnder(to); // what stood there is replaced
    const parent = this.node(parentOf(to), true)!;
    parent.kids.set(nameOf(to), sub);
    this.count += moved;
    const out: string[] = [];
    const walk = (n: Node<V>, at: string) => {
      if ("value" in n) out.push(at);
      for (const [k, kid] of n.kids) walk(kid, `${at}/${k}`);
    };
    walk(sub, to);
    return out;
  }

  // --- internal ---

  private node(rel: string, make: boolean): Node<V> | undefined {
    let n = this.top;
    if (rel === "") return n;
    for (const k of rel.split("/")) {
      let kid = n.kids.get(k);
      if (!kid) {
        if (!make) return undefined;
        n.kids.set(k, (kid = { kids: new Map() }));
      }
      n = kid;
    }
    return n;
  }

  private detach(rel: string): Node<V> | undefined {
    const parent = this.node(parentOf(rel), false);
    const sub = parent?.kids.get(nameOf(rel));
    if (sub) parent!.kids.delete(nameOf(rel));
    return sub;
  }
}

interface Node<V> {
  value?: V;
  kids: Map<string, Node<V>>;
}

function countOf<V>(n: Node<V>): number {
  let c = "value" in n ? 1 : 0;
  for (const kid of n.kids.values()) c += countOf(kid);
  return c;
}

function parentOf(rel: string): string {
  const i = rel.lastIndexOf("/");
  return i < 0 ? "" : rel.slice(0, i);
}

function nameOf(rel: string): string {
  return rel.slice(rel.lastIndexOf("/") + 1);
}

/** Backoff of a failed path: 1 s, doubling, up to a minute. */
export const RETRY_FIRST_MS = 1000;
export const RETRY_MAX_MS = 60_000;

export interface Failure {
  tries: number;
  due: number;
  /** What to try again. */
  op: "sync" | "remove";
  code: string;
}

/** The next failure record for `rel` after another failure at `now`. */
export function failedAgain(prev: Failure | undefined, op: Failure["op"], code: string, now: number): Failure {
  const tries = (prev?.tries ?? 0) + 1;
  return { tries, op, code, due: now + Math.min(RETRY_FIRST_MS * 2 ** (tries - 1), RETRY_MAX_MS) };
}
