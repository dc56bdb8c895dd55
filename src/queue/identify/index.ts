// `queue identify`: finished data matched to the queue's torrents by their file lists.
export { type Identified, type IdentifyReport, identifyPaths } from "./identify.ts";
export { type Candidate, identifyData, readTorrentFiles, ref, type TorrentFiles, type Verdict } from "./match.ts";
export { type Found, scanData } from "./scan.ts";
export {
  type CandidateList,
  type CandidateSource,
  CoordinatorSource,
  IDENTIFIABLE_STATES,
  StoreSource,
} from "./source.ts";
