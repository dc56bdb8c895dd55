// Who is asking: `Authorization: Bearer TOKEN`, or HTTP Basic with the token's name as the
// user and the token as the password (what distleech clients and browsers send). Found
// tokens are remembered for a few seconds, so a busy worker does not cost a lookup per
// request; a revoked token stops working within that time.

import type { TokenRecord } from "../model.ts";
import type { QueueStore } from "../store.ts";
import { hashToken, sameHash } from "../tokens.ts";

const REMEMBER_MS = 2000;

export class Authenticator {
  private readonly seen = new Map<string, { token: TokenRecord | undefined; at: number }>();

  constructor(private readonly store: QueueStore) {}

  async who(header: string | null): Promise<TokenRecord | undefined> {
    if (!header) return undefined;
    const now = performance.now();
    const hit = this.seen.get(header);
    if (hit && now - hit.at < REMEMBER_MS) return hit.token;
    const token = await this.lookup(header);
    if (this.seen.size > 1000) this.seen.clear();
    this.seen.set(header, { token, at: now });
    return token;
  }

  // --- internal ---

  private async lookup(header: string): Promise<TokenRecord | undefined> {
    const [scheme, value = ""] = header.trim().split(/\s+/, 2);
    if (scheme?.toLowerCase() === "bearer") return this.store.tokenByHash(hashToken(value));
    if (scheme?.toLowerCase() !== "basic") return undefined;
    const decoded = Buffer.from(value, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) return undefined;
    const rec = await this.store.tokenByName(decoded.slice(0, colon));
    return rec && sameHash(rec.hash, hashToken(decoded.slice(colon + 1))) ? rec : undefined;
  }
}
