import { PollWatcher } from "../../../src/watch/poll.ts";
import { testWatcher } from "../../contracts/watcher.contract.ts";
import { diskHarness } from "../../helpers/disk.ts";

testWatcher("PollWatcher", () => diskHarness((h) => new PollWatcher(h, 20)));
