// /metrics in Prometheus' text format: tasks by state (read from the store at each
// scrape), tasks leased since start, and request latency per route as a histogram.

import type { Stats } from "../model.ts";

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export class Metrics {
  private readonly leased = { album: 0, download: 0 };
  private readonly requests = new Map<string, number>();
  private readonly latency = new Map<string, { counts: number[]; sum: number; n: number }>();

  addLeased(kind: "album" | "download", n: number): void {
    this.leased[kind] += n;
  }

  observe(route: string, status: number, seconds: number): void {
    const key = `route="${esc(route)}",code="${status}"`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    let h = this.latency.get(route);
    if (!h) this.latency.set(route, (h = { counts: BUCKETS.map(() => 0), sum: 0, n: 0 }));
    for (const [i, b] of BUCKETS.entries()) if (seconds <= b) h.counts[i]!++;
    h.sum += seconds;
    h.n++;
  }

  render(s: Stats, inflight: number): string {
    const out: string[] = [];
    const family = (name: string, type: string, help: string) =>
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    family("seedwatch_queue_albums", "gauge", "Inventory albums by state.");
    for (const [state, n] of Object.entries(s.albums))
      if (state !== "total") out.push(`seedwatch_queue_albums{state="${state}"} ${n}`);
    family("seedwatch_queue_downloads", "gauge", "Download tasks by site and state.");
    for (const [site, states] of Object.entries(s.downloadsBySite))
      for (const [state, n] of Object.entries(states))
        out.push(`seedwatch_queue_downloads{site="${esc(site)}",state="${state}"} ${n}`);
    family("seedwatch_queue_leases_active", "gauge", "Tasks under a lease now.");
    out.push(`seedwatch_queue_leases_active{kind="album"} ${s.albums.leased}`);
    out.push(`seedwatch_queue_leases_active{kind="download"} ${s.downloads.leased}`);
    family("seedwatch_queue_leased_total", "counter", "Tasks handed out since this coordinator started.");
    for (const [kind, n] of Object.entries(this.leased)) out.push(`seedwatch_queue_leased_total{kind="${kind}"} ${n}`);
    family("seedwatch_queue_requests_in_flight", "gauge", "HTTP requests being answered.");
    out.push(`seedwatch_queue_requests_in_flight ${inflight}`);
    family("seedwatch_queue_requests_total", "counter", "HTTP requests answered, by route and status.");
    for (const [labels, n] of this.requests) out.push(`seedwatch_queue_requests_total{${labels}} ${n}`);
    family("seedwatch_queue_request_duration_seconds", "histogram", "Time to answer a request, by route.");
    for (const [route, h] of this.latency) {
      const r = `route="${esc(route)}"`;
      for (const [i, b] of BUCKETS.entries())
        out.push(`seedwatch_queue_request_duration_seconds_bucket{${r},le="${b}"} ${h.counts[i]}`);
      out.push(`seedwatch_queue_request_duration_seconds_bucket{${r},le="+Inf"} ${h.n}`);
      out.push(`seedwatch_queue_request_duration_seconds_sum{${r}} ${h.sum}`);
      out.push(`seedwatch_queue_request_duration_seconds_count{${r}} ${h.n}`);
    }
    return `${out.join("\n")}\n`;
  }
}

// --- internal ---

function esc(v: string): string {
  return v.replace(/[\\"\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`));
}
