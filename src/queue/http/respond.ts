// Answers and request bodies: JSON as application/json, errors as {error, hint} with
// their status, bodies read within a size limit and validated with the field's path.

/** An answer that is not 200: thrown anywhere under a handler, turned into JSON by the server. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** Request bodies larger than this are refused (413) before they are parsed. */
export const MAX_BODY_BYTES = 1 << 20;

export function json(data: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(data), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

export function text(body: string, status = 200): Response {
  return new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}

export function errorResponse(e: ApiError, headers: Record<string, string> = {}): Response {
  return json({ error: e.message, ...(e.hint ? { hint: e.hint } : {}) }, e.status, headers);
}

/** The body as text, refused past MAX_BODY_BYTES. */
export async function bodyText(req: Request): Promise<string> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  if (!req.body) return "";
  if (req.headers.has("content-length")) return new TextDecoder().decode(await req.arrayBuffer());
  // Chunked: read as it comes and stop at the limit.
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of req.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/**
 * The body as JSON, whatever its Content-Type says: distleech's README sends JSON with
 * curl -d and no header (which curl labels as a form).
 */
export async function bodyJson(req: Request): Promise<unknown> {
  const raw = await bodyText(req);
  if (!raw.trim()) throw new ApiError(400, "the request has no body", "send a JSON object");
  try {
    return JSON.parse(raw);
  } catch (err) {
    throw new ApiError(400, `the body is not JSON: ${(err as Error).message}`, "send a JSON object");
  }
}

// --- validation: each takes the value and its path in the body ("results[2].sites[0].site") ---

export function obj(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw bad(path, "must be an object");
  return v as Record<string, unknown>;
}

export function arr(v: unknown, path: string, max = 1000): unknown[] {
  if (!Array.isArray(v)) throw bad(path, "must be an array");
  if (v.length > max) throw bad(path, `has ${v.length} items; at most ${max} per request`);
  return v;
}

export function int(v: unknown, path: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max)
    throw bad(path, `must be an integer from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : " up"}`);
  return v;
}

export function str(v: unknown, path: string, max = 4096): string {
  if (typeof v !== "string" || v.length === 0) throw bad(path, "must be a non-empty string");
  if (v.length > max) throw bad(path, `is longer than ${max} characters`);
  return v;
}

export function oneOf<T extends string>(v: unknown, path: string, values: readonly T[]): T {
  if (typeof v !== "string" || !values.includes(v as T)) throw bad(path, `must be one of ${values.join(", ")}`);
  return v as T;
}

/** Keys other than `known` are refused, so a typo is not silently ignored. */
export function only(o: Record<string, unknown>, path: string, known: string[]): void {
  for (const k of Object.keys(o))
    if (!known.includes(k))
      throw bad(`${path}.${k}`.replace(/^\./, ""), `is not a field here (fields: ${known.join(", ")})`);
}

export function bad(path: string, what: string): ApiError {
  return new ApiError(400, `${path || "body"} ${what}`, "nothing was written; fix the request and send it again");
}

// --- internal ---

function tooLarge(): ApiError {
  return new ApiError(413, `the body is larger than ${MAX_BODY_BYTES} bytes`, "send fewer items per request");
}
