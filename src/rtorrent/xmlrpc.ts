// Talking to rtorrent: XML-RPC over SCGI on its local socket (`network.scgi.open_local`).
// Encoding and decoding are pure; `ScgiClient` is the transport, on a unix socket path or
// on HOST:PORT (`network.scgi.open_port`; "[::1]:5000" for IPv6).

import { HttpError } from "../errors.ts";

export type RpcValue = string | number | bigint | boolean | Uint8Array | RpcValue[] | { [k: string]: RpcValue };

export class RpcFault extends Error {
  constructor(
    readonly faultCode: number,
    readonly faultString: string,
  ) {
    super(`rtorrent: ${faultString} (fault ${faultCode})`);
    this.name = "RpcFault";
  }
}

export function encodeCall(method: string, params: RpcValue[]): string {
  return (
    `<?xml version="1.0"?><methodCall><methodName>${escapeXml(method)}</methodName>` +
    `<params>${params.map((p) => `<param>${value(p)}</param>`).join("")}</params></methodCall>`
  );
}

/** The response's value; a <fault> becomes an RpcFault. */
export function decodeResponse(xml: string): RpcValue {
  const p = new Parser(xml);
  p.skipTo("<methodResponse>");
  if (p.peek("<fault>")) {
    p.expect("<fault>");
    const f = p.value() as { faultCode?: number; faultString?: string };
    throw new RpcFault(Number(f.faultCode ?? -1), String(f.faultString ?? "unknown fault"));
  }
  p.expect("<params>");
  p.expect("<param>");
  return p.value();
}

/** SCGI request: a netstring of headers, then the body. */
export function scgiRequest(body: string): Uint8Array {
  const bytes = new TextEncoder().encode(body);
  const headers = `CONTENT_LENGTH\0${bytes.length}\0SCGI\x001\0`;
  const head = new TextEncoder().encode(`${new TextEncoder().encode(headers).length}:${headers},`);
  const out = new Uint8Array(head.length + bytes.length);
  out.set(head);
  out.set(bytes, head.length);
  return out;
}

export class ScgiClient {
  /** `socketPath`: an absolute socket path, or HOST:PORT. */
  constructor(readonly socketPath: string) {}

  async call(method: string, ...params: RpcValue[]): Promise<RpcValue> {
    const response = await this.exchange(scgiRequest(encodeCall(method, params)));
    const text = new TextDecoder().decode(response);
    const split = text.indexOf("\r\n\r\n");
    return decodeResponse(split >= 0 ? text.slice(split + 4) : text);
  }

  /** system.multicall: one round trip for many calls; each result, or its fault. */
  async multicall(calls: [string, ...RpcValue[]][]): Promise<(RpcValue | RpcFault)[]> {
    const r = (await this.call(
      "system.multicall",
      calls.map(([methodName, ...params]) => ({ methodName, params })),
    )) as RpcValue[];
    return r.map((x) =>
      Array.isArray(x)
        ? x[0]!
        : new RpcFault(
            Number((x as { faultCode: number }).faultCode),
            String((x as { faultString: string }).faultString),
          ),
    );
  }

  private exchange(request: Uint8Array): Promise<Uint8Array> {
    const chunks: Uint8Array[] = [];
    return new Promise((resolve, reject) => {
      const target = scgiTarget(this.socketPath);
      const socket: Bun.SocketHandler<undefined> = {
        open: (s) => void s.write(request),
        data: (_s, d) => void chunks.push(new Uint8Array(d)),
        close: () => resolve(Buffer.concat(chunks)),
        error: (_s, err) => reject(err),
        connectError: (_s, err) =>
          reject(
            new HttpError(
              `cannot reach rtorrent at ${this.socketPath}: ${err.message}`,
              0,
              this.socketPath.startsWith("/")
                ? "is rtorrent running with network.scgi.open_local set to this path?"
                : "is rtorrent running with network.scgi.open_port set to this address?",
            ),
          ),
      };
      ("unix" in target ? Bun.connect({ ...target, socket }) : Bun.connect({ ...target, socket })).catch(reject);
    });
  }
}

// --- internal ---

/** Where Bun.connect goes: a unix socket path, or HOST:PORT ("[::1]:5000" for IPv6). */
function scgiTarget(target: string): { unix: string } | { hostname: string; port: number } {
  const m = /^\[?([^\]]*?)\]?:(\d{1,5})$/.exec(target);
  return target.startsWith("/") || !m ? { unix: target } : { hostname: m[1]!, port: Number(m[2]) };
}

function value(v: RpcValue): string {
  if (typeof v === "string") return `<value><string>${escapeXml(v)}</string></value>`;
  if (typeof v === "boolean") return `<value><boolean>${v ? 1 : 0}</boolean></value>`;
  if (typeof v === "number" || typeof v === "bigint")
    return Number.isSafeInteger(Number(v)) && Math.abs(Number(v)) < 2 ** 31
      ? `<value><i4>${v}</i4></value>`
      : `<value><i8>${v}</i8></value>`;
  if (v instanceof Uint8Array) return `<value><base64>${Buffer.from(v).toString("base64")}</base64></value>`;
  if (Array.isArray(v)) return `<value><array><data>${v.map(value).join("")}</data></array></value>`;
  return `<value><struct>${Object.entries(v)
    .map(([k, x]) => `<member><name>${escapeXml(k)}</name>${value(x)}</member>`)
    .join("")}</struct></value>`;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function unescapeXml(s: string): string {
  return s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, "&");
}

class Parser {
  private pos = 0;
  constructor(private readonly s: string) {}

  skipTo(tag: string): void {
    const i = this.s.indexOf(tag, this.pos);
    if (i < 0) throw new Error(`XML-RPC: no ${tag} in the response`);
    this.pos = i + tag.length;
  }

  peek(tag: string): boolean {
    this.ws();
    return this.s.startsWith(tag, this.pos);
  }

  expect(tag: string): void {
    this.ws();
    if (!this.s.startsWith(tag, this.pos))
      throw new Error(`XML-RPC: expected ${tag} at ${this.pos}: ${this.s.slice(this.pos, this.pos + 40)}`);
    this.pos += tag.length;
  }

  value(): RpcValue {
    this.expect("<value>");
    this.ws();
    let v: RpcValue;
    const m = /^<(string|i4|i8|int|boolean|double|base64)\s*\/?>/.exec(this.s.slice(this.pos, this.pos + 12));
    if (m) {
      const selfClosing = m[0].endsWith("/>");
      this.pos += m[0].length;
      const text = selfClosing ? "" : this.until(`</${m[1]}>`);
      v =
        m[1] === "string"
          ? unescapeXml(text)
          : m[1] === "boolean"
            ? text.trim() === "1"
            : m[1] === "base64"
              ? new Uint8Array(Buffer.from(text, "base64"))
              : m[1] === "double"
                ? Number(text)
                : toInt(text.trim());
    } else if (this.peek("<array>")) {
      this.expect("<array>");
      this.expect("<data>");
      const list: RpcValue[] = [];
      while (!this.peek("</data>")) list.push(this.value());
      this.expect("</data>");
      this.expect("</array>");
      v = list;
    } else if (this.peek("<struct>")) {
      this.expect("<struct>");
      const obj: Record<string, RpcValue> = Object.create(null);
      while (this.peek("<member>")) {
        this.expect("<member>");
        this.expect("<name>");
        const name = unescapeXml(this.until("</name>"));
        obj[name] = this.value();
        this.expect("</member>");
      }
      this.expect("</struct>");
      v = obj;
    } else v = unescapeXml(this.until("</value>", false)); // a bare value is a string
    this.expect("</value>");
    return v;
  }

  private until(tag: string, consume = true): string {
    const i = this.s.indexOf(tag, this.pos);
    if (i < 0) throw new Error(`XML-RPC: unterminated, wanted ${tag}`);
    const text = this.s.slice(this.pos, i);
    this.pos = consume ? i + tag.length : i;
    return text;
  }

  private ws(): void {
    while (this.pos < this.s.length && /\s/.test(this.s[this.pos]!)) this.pos++;
  }
}

function toInt(text: string): number | bigint {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}
