import { InotifyWatcher } from "../../../src/watch/inotify.ts";
import { testWatcher } from "../../contracts/watcher.contract.ts";
import { diskHarness } from "../../helpers/disk.ts";

testWatcher("InotifyWatcher", () => diskHarness((h) => new InotifyWatcher(h)));
