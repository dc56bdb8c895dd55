// SIGINT, SIGTERM, SIGHUP and SIGUSR1 as calls: the one place a daemon listens to signals. The
// source is passed in (`process` in commands, a fake in tests).

export type DaemonSignal = "SIGINT" | "SIGTERM" | "SIGHUP" | "SIGUSR1";

export interface SignalSource {
  on(signal: DaemonSignal, listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: DaemonSignal, listener: (signal: NodeJS.Signals) => void): unknown;
}

export interface SignalCalls {
  /** SIGINT and SIGTERM; `why` reads "got signal SIGTERM". */
  stop(why: string): void;
  /** SIGHUP. Without it SIGHUP is left alone: its default ends the process, as before. */
  reload?(why: string): void;
  /** SIGUSR1: reopen the files written to (logrotate). Without it SIGUSR1 is left alone. */
  reopen?(why: string): void;
}

/** Listen until the returned function is called. */
export function onSignals(calls: SignalCalls, source: SignalSource): () => void {
  const stop = (signal: NodeJS.Signals) => calls.stop(`got signal ${signal}`);
  const reload = (signal: NodeJS.Signals) => calls.reload?.(`got signal ${signal}`);
  const listening: [DaemonSignal, (signal: NodeJS.Signals) => void][] = [
    ["SIGINT", stop],
    ["SIGTERM", stop],
  ];
  if (calls.reload) listening.push(["SIGHUP", reload]);
  if (calls.reopen) listening.push(["SIGUSR1", (signal) => calls.reopen?.(`got signal ${signal}`)]);
  for (const [signal, fn] of listening) source.on(signal, fn);
  return () => {
    for (const [signal, fn] of listening) source.off(signal, fn);
  };
}
