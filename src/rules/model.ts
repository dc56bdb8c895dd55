// Renamed: the run config's classes and their validation are in config.ts. This
// re-export stays only while src/rules/daemon.ts and src/commands/run-daemon.ts (being
// replaced on another branch) import "./model.ts"; delete it when they import config.ts.

export * from "./config.ts";
