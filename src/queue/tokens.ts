// Tokens for workers and the web page. A token is 256 random bits; only its SHA-256 is
// stored (a random secret that long needs no slow hash: nobody can guess its way back).

import { timingSafeEqual } from "node:crypto";
import { ConfigError } from "../errors.ts";

export const TOKEN_PREFIX = "swq_";
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function newToken(): string {
  return TOKEN_PREFIX + Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
}

export function hashToken(token: string): string {
  return new Bun.CryptoHasher("sha256").update(token).digest("hex");
}

/** Compare two hex hashes in constant time. */
export function sameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

export function checkTokenName(name: string): string {
  if (!NAME.test(name))
    throw new ConfigError(
      "a token name is 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit",
      "NAME",
      name,
      "name it after the worker or person that uses it: seedbox-a, dashboard",
    );
  return name;
}
