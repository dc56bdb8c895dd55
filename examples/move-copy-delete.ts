// pyinotifyd README: "Move, copy or delete newly created files after a delay".
import { Cancel, env, FileManagerRule, FileManagerScheduler, Pyinotifyd } from "seedwatch";

const SRC = env.SRC ?? "/src_path";
const DST = env.DST ?? "/dst_path";
const DELAY = Number(env.DELAY ?? 60);

const move_rule = new FileManagerRule({
  action: "move",
  src_re: `^${SRC}/(?P<path>.*)\\.to_move$`,
  dst_re: `${DST}/\\g<path>`,
  auto_create: true,
  filemode: 0o644,
  dirmode: 0o755,
});

const copy_rule = new FileManagerRule({
  action: "copy",
  src_re: `^${SRC}/(?P<path>.*)\\.to_copy$`,
  dst_re: `${DST}/\\g<path>`,
  auto_create: true,
  filemode: 0o644,
  dirmode: 0o755,
});

const delete_rule = new FileManagerRule({
  action: "delete",
  src_re: `^${SRC}/(?P<path>.*)\\.to_delete$`,
  rec: false,
});

const file_sched = new FileManagerScheduler({
  rules: [move_rule, copy_rule, delete_rule],
  delay: DELAY,
  files: true,
  dirs: false,
});

const event_map = {
  IN_CLOSE_WRITE: file_sched,
  IN_CREATE: file_sched,
  IN_DELETE: new Cancel(file_sched),
  IN_DELETE_SELF: new Cancel(file_sched),
  IN_MODIFY: new Cancel(file_sched),
  IN_MOVED_FROM: new Cancel(file_sched),
  IN_MOVED_TO: file_sched,
  IN_UNMOUNT: new Cancel(file_sched),
};

// Tasks still in their delay at shutdown run (shutdown_pending "run", the default), so the
// README's warning about shutdown_timeout and delays no longer loses tasks.
const pyinotifyd = new Pyinotifyd({ shutdown_timeout: 35 });
pyinotifyd.add_watch({ path: SRC, event_map, rec: true, auto_add: true });
export default pyinotifyd;
