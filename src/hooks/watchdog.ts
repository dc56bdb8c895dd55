// The hook watchdog, main-thread side: notes which user calls are in flight, and keeps a
// heartbeat while any is.
//
// Theory of operation
// - JavaScript cannot interrupt user code that loops on the main thread, so another thread
//   watches: a Worker (watchdog-thread.ts), started at the first user call. A seedwatch
//   that never calls user code never starts it.
// - While a call is in flight, the main thread beats (a counter in shared memory) from a
//   timer, and at each call's start and return; a timer runs only when the thread is free.
//   With nothing in flight there is no timer and the Worker sleeps in Atomics.wait with no
//   deadline: an idle daemon costs nothing.
// - Each call has a slot (what, for whom, its limit), and the call in its synchronous part
//   is marked. If the beat stops for longer than that call's limit, it is the culprit. If
//   nothing is marked, the block came after an await: every call in flight is a suspect,
//   and the limit is AFTER_AWAIT_FACTOR times longer, because seedwatch's own work (a long
//   rescan, a large copy) may be what is busy while user calls wait.
// - The Worker then records the culprits in the hang file, writes one line where the logs
//   go, and ends the process with _exit(12).

import { log, logTargets } from "../log.ts";
import { threadUrl } from "../threads.ts";
import { hangFile } from "./hung.ts";
import { H, SHARED_BYTES, Shared, SLOTS } from "./watchdog-shared.ts";

/** After an await, the culprit is unknown: wait this many times the longest limit in flight. */
export const AFTER_AWAIT_FACTOR = 10;
/** The shortest limit the watchdog applies: a loaded machine may hold a timer back a little. */
const MIN_LIMIT_MS = 1000;

export interface Ticket {
  readonly slot: number;
  readonly limitMs: number;
}

/** A user call starts (and is in its synchronous part). */
export function enter(call: { hook: string; subject?: string; key?: string }, limitMs: number): Ticket {
  const shared = ensureStarted();
  const ticket: Ticket = { slot: free.pop() ?? -1, limitMs: Math.min(Math.max(limitMs, MIN_LIMIT_MS), 2 ** 31 - 1) };
  inFlight++;
  limits.set(ticket.limitMs, (limits.get(ticket.limitMs) ?? 0) + 1);
  syncStack.push(ticket);
  if (shared) {
    const file = call.key === undefined ? undefined : hangFile();
    if (ticket.slot >= 0)
      shared.writeSlot(ticket.slot, { ...call, limitMs: ticket.limitMs, ...(file ? { hangFile: file } : {}) });
    else Atomics.add(shared.i32, H.overflow, 1);
    publish(shared, true);
  }
  return ticket;
}

/** Its synchronous part returned (a value, or a promise that is still pending). */
export function leaveSync(ticket: Ticket): void {
  unmark(ticket);
  if (state) publish(state, false);
}

/** It is over: returned, threw, or its promise settled. */
export function settle(ticket: Ticket): void {
  unmark(ticket);
  inFlight--;
  const n = limits.get(ticket.limitMs)! - 1;
  if (n > 0) limits.set(ticket.limitMs, n);
  else limits.delete(ticket.limitMs);
  if (ticket.slot >= 0) {
    state?.freeSlot(ticket.slot);
    free.push(ticket.slot);
  } else if (state) Atomics.sub(state.i32, H.overflow, 1);
  if (state) publish(state, false);
}

// --- internal ---

let state: Shared | undefined;
let unavailable = false;
const free = Array.from({ length: SLOTS }, (_, i) => SLOTS - 1 - i);
const syncStack: Ticket[] = [];
const limits = new Map<number, number>(); // limit → calls in flight with it
let inFlight = 0;
let timer: ReturnType<typeof setInterval> | undefined;
let timerMs = 0;
let styleSent = "";

function unmark(ticket: Ticket): void {
  const i = syncStack.lastIndexOf(ticket);
  if (i >= 0) syncStack.splice(i, 1);
}

function ensureStarted(): Shared | undefined {
  if (state || unavailable) return state;
  try {
    const shared = new Shared(new SharedArrayBuffer(SHARED_BYTES));
    const worker = new Worker(threadUrl("hooks/watchdog-thread.ts"));
    worker.addEventListener("error", (e) =>
      log.withTag("hooks").warn(`the hook watchdog stopped: ${e.message}; a hook that blocks will hang seedwatch`),
    );
    worker.postMessage(shared.buffer);
    worker.unref();
    state = shared;
  } catch (err) {
    unavailable = true;
    log.withTag("hooks").warn(`no hook watchdog (${(err as Error).message}): a hook that blocks will hang seedwatch`);
  }
  return state;
}

/** Tell the watchdog's thread what is in flight now, and beat. */
function publish(shared: Shared, started: boolean): void {
  const top = syncStack.at(-1);
  const longest = Math.max(0, ...limits.keys());
  Atomics.store(shared.i32, H.sync, top ? top.slot + 1 || -1 : 0);
  Atomics.store(shared.i32, H.limitMs, top ? top.limitMs : Math.min(longest * AFTER_AWAIT_FACTOR, 2 ** 31 - 1));
  if (started) sendStyle(shared);
  Atomics.add(shared.i32, H.beat, 1);
  Atomics.store(shared.i32, H.inFlight, inFlight);
  Atomics.notify(shared.i32, H.inFlight); // wakes the thread from its idle sleep
  Atomics.notify(shared.i32, H.beat); // and lets it re-read the limit
  beatWhileInFlight(shared, longest * AFTER_AWAIT_FACTOR);
}

/** A beat every quarter of the after-await limit while calls are in flight; no timer otherwise. */
function beatWhileInFlight(shared: Shared, limitMs: number): void {
  const every = Math.min(Math.max(limitMs / 4, 100), 5000);
  if (inFlight === 0 || every !== timerMs) {
    clearInterval(timer);
    timer = undefined;
    timerMs = 0;
  }
  if (inFlight === 0 || timer) return;
  timerMs = every;
  timer = setInterval(() => Atomics.add(shared.i32, H.beat, 1), every);
  timer.unref();
}

/** Where the logs go, when that changed (set once at start, in practice). */
function sendStyle(shared: Shared): void {
  const style = logTargets();
  const text = JSON.stringify(style);
  if (text === styleSent) return;
  styleSent = text;
  shared.writeStyle(style);
}
