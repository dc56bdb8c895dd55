// bencode 4.0.1 ships no types. Only encode is used (tests and fixtures); reading goes
// through src/rtorrent/bdecode.ts, which keeps byte offsets and is strict.
declare module "bencode" {
  const bencode: {
    encode(data: unknown): Uint8Array;
    decode(data: Uint8Array): unknown;
    byteLength(data: unknown): number;
  };
  export default bencode;
}
