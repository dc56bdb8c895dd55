// pyinotifyd README, "Event maps": run tasks for new files that are not modified, moved
// or deleted within the delay.
import { Cancel, env, Pyinotifyd, TaskScheduler } from "seedwatch";

const SRC = env.SRC ?? "/src_path";
const DELAY = Number(env.DELAY ?? 10);

const task_sched = new TaskScheduler({
  job: async (event, task_id) => console.log(`${task_id}: new and left alone: ${event.pathname}`),
  delay: DELAY,
});

const event_map = {
  IN_ACCESS: null,
  IN_ATTRIB: null,
  IN_CLOSE_NOWRITE: null,
  IN_CLOSE_WRITE: task_sched,
  IN_CREATE: task_sched,
  IN_DELETE: new Cancel(task_sched),
  IN_DELETE_SELF: new Cancel(task_sched),
  IN_IGNORED: null,
  IN_MODIFY: new Cancel(task_sched),
  IN_MOVE_SELF: null,
  IN_MOVED_FROM: new Cancel(task_sched),
  IN_MOVED_TO: task_sched,
  IN_OPEN: null,
  IN_Q_OVERFLOW: null,
  IN_UNMOUNT: new Cancel(task_sched),
};

const pyinotifyd = new Pyinotifyd({ shutdown_timeout: 30 });
pyinotifyd.add_watch({ path: SRC, event_map });
export default pyinotifyd;
