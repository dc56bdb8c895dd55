// Event names as users type them: inotifywait's lower-case names (`close_write`), the
// kernel's `IN_*` names, and the groups inotifywait accepts (`close`, `move`, `all`).

import { ConfigError } from "../errors.ts";
import { EVENT_NAMES, type EventName } from "./types.ts";

/**
 * What a watch reports unless told otherwise: every change, none of the reads. A root's
 * own deletion, move or unmount is always reported (as kind "gone"); sub-directories'
 * IN_DELETE_SELF / IN_MOVE_SELF repeat what their parent reported, so ask for them by name.
 */
export const CHANGE_EVENTS: readonly EventName[] = [
  "IN_CREATE",
  "IN_MODIFY",
  "IN_ATTRIB",
  "IN_CLOSE_WRITE",
  "IN_MOVED_FROM",
  "IN_MOVED_TO",
  "IN_DELETE",
];

/** Events a user can subscribe to (the rest are reported by the kernel regardless). */
export const SUBSCRIBABLE: readonly EventName[] = EVENT_NAMES.filter(
  (n) => n !== "IN_Q_OVERFLOW" && n !== "IN_IGNORED",
);

const GROUPS: Record<string, readonly EventName[]> = {
  close: ["IN_CLOSE_WRITE", "IN_CLOSE_NOWRITE"],
  move: ["IN_MOVED_FROM", "IN_MOVED_TO"],
  all: SUBSCRIBABLE,
  all_events: SUBSCRIBABLE,
  changes: CHANGE_EVENTS,
};

/** Parse "close_write,IN_MOVED_TO,move" into kernel names. `field` names the option. */
export function parseEventNames(spec: string | readonly string[], field = "events"): EventName[] {
  const words = (typeof spec === "string" ? [spec] : spec).flatMap((s) => s.split(/[,\s|]+/)).filter(Boolean);
  const out = new Set<EventName>();
  for (const word of words) {
    const bare = word.toLowerCase().replace(/^in_/, "");
    const group = GROUPS[bare];
    const name = `IN_${bare.toUpperCase()}` as EventName;
    if (group) for (const n of group) out.add(n);
    else if ((EVENT_NAMES as readonly string[]).includes(name)) out.add(name);
    else
      throw new ConfigError(
        `unknown event name ${JSON.stringify(word)}`,
        field,
        word,
        `names are ${SUBSCRIBABLE.map((n) => n.slice(3).toLowerCase()).join(", ")}, close, move, all` +
          ` (or their IN_* forms)${suggest(bare)}`,
      );
  }
  return [...out];
}

// --- internal ---

function suggest(bare: string): string {
  // pyinotifyd's own README wrote IN_WRITE_CLOSE; catch reversed and near names.
  const parts = bare.split("_").sort().join("_");
  const hit = EVENT_NAMES.find((n) => n.slice(3).toLowerCase().split("_").sort().join("_") === parts);
  return hit ? `; did you mean ${hit}?` : "";
}
