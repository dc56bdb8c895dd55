export * from "./types.ts";
export * from "./path.ts";
export * from "./names.ts";
export * from "./format.ts";
