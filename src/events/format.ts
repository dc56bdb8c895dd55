// Printing events: inotifywait's --format and --timefmt, and one JSON object per line.
//
// --format directives (inotifywait's, plus three of ours):
//   %w  the directory the event happened in, with a trailing "/"
//   %f  the name in that directory (empty for an event on a watched root itself)
//   %e  event names without IN_, comma-separated (CREATE,ISDIR); %Xe separates with X
//   %T  the time, formatted by --timefmt
//   %p  the full path          %k  the kind (create, write, move, delete, …)
//   %o  the move source (for the IN_MOVED_TO half of a move), else empty
//   %%  a literal %

import type { FsEvent } from "./types.ts";

export const DEFAULT_FORMAT = "%w %e %f";
export const DEFAULT_TIMEFMT = "%F %T";

/** A compiled --format: call it per event. */
export type Formatter = (ev: FsEvent, now: Date) => string;

export function compileFormat(format: string, timefmt: string = DEFAULT_TIMEFMT): Formatter {
  const parts: ((ev: FsEvent, now: Date) => string)[] = [];
  let lit = "";
  const flush = () => {
    if (lit) {
      const s = lit;
      parts.push(() => s);
      lit = "";
    }
  };
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== "%" || i + 1 >= format.length) {
      lit += c;
      continue;
    }
    const d = format[i + 1]!;
    const dirFn = DIRECTIVES[d];
    if (dirFn) {
      flush();
      parts.push(dirFn(timefmt));
      i++;
    } else if (d === "%") {
      lit += "%";
      i++;
    } else if (format[i + 2] === "e") {
      flush();
      const sep = d;
      parts.push((ev) => eventWords(ev, sep));
      i += 2;
    } else lit += c;
  }
  flush();
  return (ev, now) => {
    let s = "";
    for (const p of parts) s += p(ev, now);
    return s;
  };
}

/** What --json prints for an event, as a plain object (plugins get the same). */
export interface EventObject {
  time: string;
  kind: FsEvent["kind"];
  path: string;
  events: FsEvent["names"];
  dir: boolean;
  root: string;
  from?: string;
  to?: string;
  synthetic?: true;
}

/** The --json line for an event (without the newline). */
export function eventJson(ev: FsEvent, now: Date): string {
  return JSON.stringify(eventObject(ev, now));
}

export function eventObject(ev: FsEvent, now: Date): EventObject {
  return {
    time: now.toISOString(),
    kind: ev.kind,
    path: ev.path,
    events: ev.names,
    dir: ev.dir,
    root: ev.root,
    ...(ev.from !== undefined ? { from: ev.from } : {}),
    ...(ev.to !== undefined ? { to: ev.to } : {}),
    ...(ev.synthetic ? { synthetic: true as const } : {}),
  };
}

/** A small strftime: %Y %m %d %H %M %S %F %T %s %z %j %a %b %e %%; local time. */
export function strftime(fmt: string, t: Date): string {
  const p2 = (n: number) => String(n).padStart(2, "0");
  return fmt.replace(/%([YmdHMSFTszjabe%])/g, (_, c: string) => {
    switch (c) {
      case "Y":
        return String(t.getFullYear());
      case "m":
        return p2(t.getMonth() + 1);
      case "d":
        return p2(t.getDate());
      case "e":
        return String(t.getDate()).padStart(2, " ");
      case "H":
        return p2(t.getHours());
      case "M":
        return p2(t.getMinutes());
      case "S":
        return p2(t.getSeconds());
      case "F":
        return `${t.getFullYear()}-${p2(t.getMonth() + 1)}-${p2(t.getDate())}`;
      case "T":
        return `${p2(t.getHours())}:${p2(t.getMinutes())}:${p2(t.getSeconds())}`;
      case "s":
        return String(Math.floor(t.getTime() / 1000));
      case "z": {
        const off = -t.getTimezoneOffset();
        return `${off >= 0 ? "+" : "-"}${p2(Math.floor(Math.abs(off) / 60))}${p2(Math.abs(off) % 60)}`;
      }
      case "j": {
        const start = new Date(t.getFullYear(), 0, 1);
        return String(Math.floor((t.getTime() - start.getTime()) / 86_400_000) + 1).padStart(3, "0");
      }
      case "a":
        return t.toLocaleDateString("en-US", { weekday: "short" });
      case "b":
        return t.toLocaleDateString("en-US", { month: "short" });
      default:
        return "%";
    }
  });
}

// --- internal ---

function eventWords(ev: FsEvent, sep: string): string {
  return ev.names.map((n) => n.slice(3)).join(sep);
}

function split(ev: FsEvent): [string, string] {
  if (ev.path === ev.root) return [ev.root.endsWith("/") ? ev.root : `${ev.root}/`, ""];
  const cut = ev.path.lastIndexOf("/");
  return [ev.path.slice(0, cut + 1), ev.path.slice(cut + 1)];
}

const DIRECTIVES: Record<string, (timefmt: string) => (ev: FsEvent, now: Date) => string> = {
  w: () => (ev) => split(ev)[0],
  f: () => (ev) => split(ev)[1],
  e: () => (ev) => eventWords(ev, ","),
  T: (timefmt) => (_ev, now) => strftime(timefmt, now),
  p: () => (ev) => ev.path,
  k: () => (ev) => ev.kind,
  o: () => (ev) => ev.from ?? "",
};
