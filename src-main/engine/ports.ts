/**
 * What the engine needs from outside, injected by its host (worker, CLI, tests). The engine itself never
 * touches files, clocks or the network: everything external arrives through these ports.
 *
 * - `scenarios`: built-in scenario objects (already parsed from YAML/JSON by node/resources.ts), by name.
 * - `guestFactory`: builds (or restores) the guest machine of a powered-on VM (`vm/guestFactory.ts`).
 *   Absent → VMs power on without guest execution (guestState `notRunning`, no CPU use).
 * - `guestCatalog`: the guest programs VMs can run (name + description), for `guests.list`.
 * - `milpSolver`: an exact mixed-integer solver (HiGHS in a worker thread, `node/solver/`), called
 *   synchronously with a model built by the engine as data (`placement/milp.ts`). Absent → exact
 *   placement falls back to the best heuristic and says so.
 * - `pageCodecs`: real compression codecs (zlib, zstd, lz4) and a fast page hash (xxHash64) for live
 *   migration (`node/codecs/`). Absent → migration hashes pages with the engine's own hash
 *   (`migration/pageHash.ts`, deterministic pure TypeScript) and refuses compression. Results never
 *   depend on which hash runs (a hash only proposes candidates; equality is a full byte compare) nor on
 *   the wall clock (the CPU time charged is the cost model's, `params.ts`).
 * - `exercises`: guided exercises (already validated by the node side: node/exercise/), served as they are
 *   by `exercise.list` / `exercise.get`; the engine never interprets them.
 * - `recovery`: the autosave offer of the host (node/storage/autosave.ts): `info()`, `restore()` →
 *   the saved lab state (throws when it cannot be read), `restored()`, `discard()`. Absent → nothing
 *   to recover.
 * - `labLibrary`: where File › Save and Open keep saved labs (`node/storage/labLibrary.ts`: a folder
 *   the host chooses). Absent → `lab.save` / `lab.open` are refused and the library lists nothing.
 */
import type { GuestParamDto } from '@shared/model/guestParams';
import type { SavedLabDto } from '@shared/model/labDocument';
import type { GuestFactory } from './vm/guestFactory';
import type { MilpModel, MilpResult, MilpSolveOptions } from './placement/index';
import type { Exercise, ExerciseSummary } from '@shared/exercise/format';
import type { RecoveryInfo } from '@shared/api/queries';

export interface ScenarioSource {
  /** File the scenario came from, for error messages. */
  file: string;
  /** Parsed but NOT yet validated content. */
  content: unknown;
}

export interface RecoveryPort {
  info(): RecoveryInfo;
  /** Reads the offered autosave (throws when it cannot be read). */
  restore(): unknown;
  /** The engine now runs the restored lab: the offer is settled. */
  restored(): void;
  /** The user declined: the autosave is deleted and the offer settled. */
  discard(): void;
}

export interface EnginePorts {
  scenarios: Record<string, ScenarioSource>;
  guestFactory?: GuestFactory;
  /** `params`: the fields forms offer (absent: the program takes none). */
  guestCatalog?: { name: string; description: string; params?: GuestParamDto[] }[];
  milpSolver?: MilpSolverPort;
  pageCodecs?: PageCodecPort;
  exercises?: { summary: ExerciseSummary; exercise: Exercise }[];
  recovery?: RecoveryPort;
  labLibrary?: LabLibraryPort;
}

/**
 * The lab library: saved labs by name (names already checked against LAB_NAME_RULE). Each method
 * throws an Error whose message says what failed; `save` either commits the whole lab or leaves the
 * previous save of that name loadable.
 */
export interface LabLibraryPort {
  list(): SavedLabDto[];
  has(name: string): boolean;
  save(name: string, state: unknown): void;
  load(name: string): unknown;
}

/**
 * An exact MILP solver. `solve` blocks until the solver finishes or its time limit passes (the port
 * enforces the limit even if the solver overruns it, returning status `timeLimit`), and never throws
 * for a solver failure: it returns status `error` with a message.
 */
export interface MilpSolverPort {
  solve(model: MilpModel, options: MilpSolveOptions): MilpResult;
}

/** A codec the page codec port offers. */
export type PageCodecName = 'zlib' | 'zstd' | 'lz4';

/**
 * Compression and hashing of guest pages, done by the host (live migration's data reduction).
 * `compress` returns the codec's real output (zlib: raw deflate); `decompress` must give back exactly
 * `outputLength` bytes or throw. `hash64` is a 64-bit hash reduced to a number below 2^53. Synchronous:
 * the port loads its WebAssembly before the engine starts.
 */
export interface PageCodecPort {
  readonly codecs: readonly PageCodecName[];
  /** e.g. "zlib 1.3.1 (node:zlib)", by codec, for reports. */
  readonly versions: Readonly<Record<string, string>>;
  /**
   * The codec's real output for `input`. `transient` true: it may be a view of the port's own buffer,
   * valid until the port's next call (no allocation, for a caller that uses it at once, such as
   * `decompress`); else an array of its own.
   */
  compress(codec: PageCodecName, level: number, input: Uint8Array, transient?: boolean): Uint8Array;
  /** Decompresses into the first `outputLength` bytes of `into` (returned, as a view of them) when given, else into a new array; throws when the output is not `outputLength` bytes. */
  decompress(codec: PageCodecName, input: Uint8Array, outputLength: number, into?: Uint8Array): Uint8Array;
  hash64(bytes: Uint8Array): number;
  readonly hashName: string;
}
