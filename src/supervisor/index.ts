export type { Service, ServiceContext, WatchRequest } from "./service.ts";
export { checkRoots, Supervisor, type SupervisorDeps } from "./supervisor.ts";
export { onSignals, type SignalCalls, type SignalSource } from "./signals.ts";
export { ReloadOnSave, RELOAD_DEBOUNCE_MS } from "./reload-on-save.ts";
