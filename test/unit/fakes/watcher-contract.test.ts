import { testWatcher } from "../../contracts/watcher.contract.ts";
import { EventLog } from "../../helpers/wait.ts";
import { FakeFs, FakeWatcher } from "../../fakes/watcher.ts";

testWatcher("FakeWatcher", () => {
  const fs = new FakeFs();
  fs.mkdirp("/fake/root");
  fs.mkdirp("/fake/outside");
  const log = new EventLog();
  const problems: string[] = [];
  const watcher = new FakeWatcher(
    { onEvent: log.push, onProblem: (p) => problems.push(`${p.path}: ${p.message}`) },
    fs,
  );
  return {
    root: "/fake/root",
    outside: "/fake/outside",
    ops: {
      mkdirp: (p) => fs.mkdirp(p),
      write: (p, d) => fs.write(p, d),
      rename: (a, b) => fs.rename(a, b),
      rm: (p) => fs.rm(p),
    },
    log,
    problems,
    watcher,
    [Symbol.asyncDispose]: () => watcher.close(),
  };
});
