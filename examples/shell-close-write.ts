// pyinotifyd README: "Schedule shell commands for specific events on files".
import { env, Pyinotifyd, ShellScheduler } from "seedwatch";

const SRC = env.SRC ?? "/src_path";
const TASK = env.TASK ?? "/usr/local/sbin/task.sh";

const shell_sched = new ShellScheduler({ cmd: `${TASK} {pathname}`, files: true, dirs: false });

const event_map = { IN_CLOSE_WRITE: shell_sched }; // the README wrote IN_WRITE_CLOSE

const pyinotifyd = new Pyinotifyd();
pyinotifyd.add_watch({ path: SRC, event_map, rec: true, auto_add: true });
export default pyinotifyd;
