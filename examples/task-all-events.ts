// pyinotifyd README: "Schedule python method for all events on files and directories".
import { env, EventMap, Pyinotifyd, TaskScheduler } from "seedwatch";

const SRC = env.SRC ?? "/src_path";

async function custom_job(event: { maskname: string; pathname: string }, task_id: string) {
  console.log(`${task_id}: execute example task: ${event.maskname} ${event.pathname}`);
}

const task_sched = new TaskScheduler({ job: custom_job, files: true, dirs: true });

const event_map = new EventMap({ default_sched: task_sched });

const pyinotifyd = new Pyinotifyd();
pyinotifyd.add_watch({ path: SRC, event_map, rec: true, auto_add: true });
export default pyinotifyd;
