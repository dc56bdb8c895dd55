// What the files users write see of seedwatch: the values of the module "seedwatch", their
// declarations (seedwatch.d.ts) and the top-level keys of a run config. Each layer
// describes its own part (hooks/user-api.ts, rules/user-api.ts, rtorrent/user-api.ts, and
// next plugins and queue); the top lists the parts (commands/user-api.ts) and provides
// them here, once, as lazy imports; the layers that need the whole read it from here:
// hooks (the virtual module, loading a config), commands (seedwatch init, run --check).
// So a layer adds a config section or an export without touching any layer below it.

/**
 * Top-level keys of a run config that layers above rules add. A layer declares its key
 * by augmenting this interface (which types Pyinotifyd's options and the valid config):
 *   declare module "../config/user-api.ts" { interface ConfigSections { rtorrent: RtorrentSection } }
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by module augmentation in the layers that add sections
export interface ConfigSections {}

export type SectionKey = keyof ConfigSections;

/** One top-level key of a run config, owned by the layer that uses it. */
export interface ConfigSection<K extends SectionKey = SectionKey> {
  key: K;
  /** Its property in PyinotifydOptions, as seedwatch.d.ts declares it (doc comment included). */
  dts: string;
  /** Pure: the value as written (not undefined) checked; throws a ConfigError naming `field` and below. */
  validate(value: unknown, field: string): ConfigSections[K];
  /** One line for `run --check`. */
  describe?(value: ConfigSections[K]): string;
}

/**
 * Keys of a run config's Watch that layers above rules add (plugins: what else acts on a
 * watch's events), as written: declared by augmenting this interface, and ValidWatchSections
 * with the same key for what its validation returns. The rules layer accepts and validates
 * them through their WatchSection without importing the layer.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by module augmentation in the layers that add keys
export interface WatchSections {}
// biome-ignore lint/suspicious/noEmptyInterface: filled by module augmentation in the layers that add keys
export interface ValidWatchSections {}

export type WatchKey = keyof WatchSections & keyof ValidWatchSections;

/** One key of a Watch, owned by the layer that acts on it. */
export interface WatchSection<K extends WatchKey = WatchKey> {
  key: K;
  /** Its property in WatchOptions, as seedwatch.d.ts declares it (doc comment included). */
  dts: string;
  /** Pure: the value as written (not undefined) checked; throws a ConfigError naming `field` and below. */
  validate(value: unknown, field: string): ValidWatchSections[K];
  /** Whether the watch acts on its events through this key, so that it needs no event_map. */
  acts(value: ValidWatchSections[K]): boolean;
  /** Lines under the watch in `run --check`. */
  describe?(value: ValidWatchSections[K]): string[];
}

/** One layer's part. */
export interface UserApiPart {
  /** Values of the module "seedwatch". */
  exports?: Record<string, unknown>;
  /** Their declarations (and the types they use), inside `declare module "seedwatch" { … }`. */
  dts?: string;
  sections?: readonly ConfigSection[];
  watchSections?: readonly WatchSection[];
}

/** The parts together. */
export interface UserApi {
  exports: Record<string, unknown>;
  /** The body of `declare module "seedwatch" { … }`. */
  dts: string;
  sections: readonly ConfigSection[];
  watchSections: readonly WatchSection[];
}

/** The parts as one; a name exported twice, or a key added twice, is a bug. */
export function composeUserApi(parts: readonly UserApiPart[]): UserApi {
  const exports: Record<string, unknown> = {};
  const sections: ConfigSection[] = [];
  const watchSections: WatchSection[] = [];
  const dts: string[] = [];
  const sectionDts: string[] = [];
  for (const part of parts) {
    for (const [name, value] of Object.entries(part.exports ?? {})) {
      if (Object.hasOwn(exports, name)) throw new Error(`the module "seedwatch" exports ${name} twice`);
      exports[name] = value;
    }
    if (part.dts) dts.push(part.dts.trimEnd());
    for (const s of part.sections ?? []) {
      if (sections.some((t) => t.key === s.key)) throw new Error(`the run config's key ${s.key} is added twice`);
      sections.push(s);
      sectionDts.push(`  export interface PyinotifydOptions {\n${s.dts.trimEnd()}\n  }`);
    }
    for (const s of part.watchSections ?? []) {
      if (watchSections.some((t) => t.key === s.key)) throw new Error(`the Watch key ${s.key} is added twice`);
      watchSections.push(s);
      sectionDts.push(`  export interface WatchOptions {\n${s.dts.trimEnd()}\n  }`);
    }
  }
  return { exports, dts: [...dts, ...sectionDts].join("\n\n"), sections, watchSections };
}

let source: (() => Promise<readonly UserApiPart[]>) | undefined;
let composed: Promise<UserApi> | undefined;

/** The top says where the parts come from (lazy: a verb that loads no user file never imports them). */
export function provideUserApi(load: () => Promise<readonly UserApiPart[]>): void {
  source = load;
  composed = undefined;
}

/** The parts the top provided, composed once; none provided: nothing at all. */
export function userApi(): Promise<UserApi> {
  composed ??= (source ?? (async () => []))().then(composeUserApi);
  return composed;
}
