export type { AttachedPlugin, PluginContext, PluginDefinition, PluginEvent } from "./plugin.ts";
export { definePlugin } from "./plugin.ts";
export { PluginRuntime, type PluginPlan, type PluginWatch, type PlannedPlugin } from "./runtime.ts";
export { WatchPlugins } from "./watch-service.ts";
export { PluginFiles } from "./files-service.ts";
