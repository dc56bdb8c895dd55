// inotify(7) mask bits and the errno numbers seedwatch names (Linux, all architectures
// Bun ships for). Values from <sys/inotify.h> and <asm-generic/errno-base.h>.

// --- events the kernel reports (and that inotify_add_watch subscribes to) ---
export const IN_ACCESS = 0x00000001; // file was read
export const IN_MODIFY = 0x00000002; // file was written
export const IN_ATTRIB = 0x00000004; // metadata changed (mode, owner, times, link count)
export const IN_CLOSE_WRITE = 0x00000008; // a file opened for writing was closed
export const IN_CLOSE_NOWRITE = 0x00000010; // a file opened read-only was closed
export const IN_OPEN = 0x00000020; // file or directory opened
export const IN_MOVED_FROM = 0x00000040; // an entry left the watched directory (cookie pairs it)
export const IN_MOVED_TO = 0x00000080; // an entry arrived in the watched directory
export const IN_CREATE = 0x00000100; // an entry was created in the watched directory
export const IN_DELETE = 0x00000200; // an entry was deleted from the watched directory
export const IN_DELETE_SELF = 0x00000400; // the watched directory itself was deleted
export const IN_MOVE_SELF = 0x00000800; // the watched directory itself was moved

// --- bits only the kernel sets ---
export const IN_UNMOUNT = 0x00002000; // the filesystem holding the watch was unmounted
export const IN_Q_OVERFLOW = 0x00004000; // the event queue overflowed (wd is -1)
export const IN_IGNORED = 0x00008000; // the watch was removed (explicitly or by the kernel)
export const IN_ISDIR = 0x40000000; // the subject of the event is a directory

// --- flags for inotify_add_watch ---
export const IN_ONLYDIR = 0x01000000; // fail with ENOTDIR unless the path is a directory
export const IN_DONT_FOLLOW = 0x02000000; // do not follow a symbolic link
export const IN_EXCL_UNLINK = 0x04000000; // no events for children after they are unlinked
export const IN_MASK_CREATE = 0x10000000; // fail with EEXIST if the inode is already watched
export const IN_MASK_ADD = 0x20000000; // add to the existing mask instead of replacing it
export const IN_ONESHOT = 0x80000000; // remove the watch after one event

export const IN_CLOSE = IN_CLOSE_WRITE | IN_CLOSE_NOWRITE;
export const IN_MOVE = IN_MOVED_FROM | IN_MOVED_TO;
export const IN_ALL_EVENTS = 0x00000fff;

// --- flags for inotify_init1 ---
export const IN_NONBLOCK = 0o4000; // O_NONBLOCK
export const IN_CLOEXEC = 0o2000000; // O_CLOEXEC

// --- open(2) and fcntl(2), for asking whether a file is open for writing ---
export const O_RDONLY = 0;
export const O_NONBLOCK = 0o4000;
export const O_CLOEXEC = 0o2000000;
export const O_NOFOLLOW = process.arch === "arm64" ? 0o100000 : 0o400000; // differs by arch
export const F_SETLEASE = 1024; // take or release a lease
export const F_RDLCK = 0; // a read lease: refused (EAGAIN) while anyone has the file open for writing
export const F_UNLCK = 2;
export const F_SETSIG = 10; // the signal for a lease break on this fd (0, the default, means SIGIO)
export const SIGURG = 23; // ignored unless handled: a lease break then cannot terminate us

/** The size of `struct inotify_event` before its name: wd, mask, cookie, len. */
export const EVENT_HEADER_SIZE = 16;

/** Every event name, in bit order, as the kernel headers spell it. */
export const EVENT_NAMES = {
  IN_ACCESS,
  IN_MODIFY,
  IN_ATTRIB,
  IN_CLOSE_WRITE,
  IN_CLOSE_NOWRITE,
  IN_OPEN,
  IN_MOVED_FROM,
  IN_MOVED_TO,
  IN_CREATE,
  IN_DELETE,
  IN_DELETE_SELF,
  IN_MOVE_SELF,
  IN_UNMOUNT,
  IN_Q_OVERFLOW,
  IN_IGNORED,
  IN_ISDIR,
} as const;

// --- errno numbers ---
export const EPERM = 1;
export const ENOENT = 2;
export const EINTR = 4;
export const EBADF = 9;
export const EAGAIN = 11;
export const ENOMEM = 12;
export const EACCES = 13;
export const EEXIST = 17;
export const ENOTDIR = 20;
export const EINVAL = 22;
export const ENFILE = 23;
export const EMFILE = 24;
export const ENOSPC = 28;
export const ENAMETOOLONG = 36;
export const ELOOP = 40;
export const ENOSYS = 38;

const ERRNO_NAMES: Record<number, string> = {
  [EPERM]: "EPERM",
  [ENOENT]: "ENOENT",
  [EINTR]: "EINTR",
  [EBADF]: "EBADF",
  [EAGAIN]: "EAGAIN",
  [ENOMEM]: "ENOMEM",
  [EACCES]: "EACCES",
  [EEXIST]: "EEXIST",
  [ENOTDIR]: "ENOTDIR",
  [EINVAL]: "EINVAL",
  [ENFILE]: "ENFILE",
  [EMFILE]: "EMFILE",
  [ENOSPC]: "ENOSPC",
  [ENAMETOOLONG]: "ENAMETOOLONG",
  [ELOOP]: "ELOOP",
  [ENOSYS]: "ENOSYS",
};

/** `errnoName(28)` is `"ENOSPC"`; an unknown number is `"errno 123"`. */
export function errnoName(errno: number): string {
  return ERRNO_NAMES[errno] ?? `errno ${errno}`;
}
