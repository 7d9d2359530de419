/**
 * params — every tunable of the engine, one comment each (xv6 param.h).
 *
 * Interface: plain exported constants. Machine-specific values (TLB size, page-table
 * levels, cost table) are defaults that a machine configuration may override.
 * Rules: nothing here depends on the host; changing a value changes simulated
 * behaviour, so tests pin the defaults they rely on. Other areas may append here.
 */
import { MAX_VM_MEMORY_BYTES } from '@shared/model/vmLimits';

/** Size of a page and of a host frame in bytes (4 KiB). Keep in sync with PAGE_SHIFT. */
export const PAGE_SIZE_BYTES = 4096;
/** log2(PAGE_SIZE_BYTES). */
export const PAGE_SHIFT = 12;
/** 32-bit words per page. */
export const PAGE_WORDS = PAGE_SIZE_BYTES >>> 2;

/** Default number of page-table levels of a machine (2 = 10+10 bit split, 4 = 5+5+5+5). */
export const DEFAULT_PAGE_TABLE_LEVELS: 2 | 4 = 2;

/** Default number of entries of the modelled (architectural) TLB. */
export const DEFAULT_TLB_ENTRIES = 64;
/** Default associativity of the modelled TLB (ways per set; entries/ways sets, FIFO per set). */
export const DEFAULT_TLB_WAYS = 4;

/** Entries of the host-side software TLB (fast-path cache, never guest-visible). Power of two. */
export const SOFT_TLB_ENTRIES = 256;

/**
 * A host's frame pool (memory/hostMemory.ts): its frames are carved from one buffer of capacity + 1 slots of
 * 4 KiB, at most this many (256 MiB of address space; untouched slots cost no memory), so a software-TLB
 * entry is a word offset into it. Frames past it (a host without a capacity that holds more) are separate
 * arrays the software TLB does not hold: every access to them takes the slow path.
 */
export const HOST_POOL_MAX_FRAMES = 65536;

/** Default guest-physical memory size in bytes (16 MiB). */
export const DEFAULT_GUEST_MEMORY_BYTES = 16 * 1024 * 1024;
/** Largest guest-physical memory supported (4 GiB: the whole 32-bit physical space); the VM limit every layer reads. */
export const MAX_GUEST_MEMORY_BYTES = MAX_VM_MEMORY_BYTES;

/** Physical address where the default boot image is loaded and where the CPU starts (reset PC). */
export const RESET_PC = 0x2000;
/** Physical address of the boot parameter block (one page, filled by the loader). */
export const BOOT_PARAMS_ADDR = 0x1000;

/** Cpu.run executes its budget in interpreter calls of at most this many cycles (host performance only; never changes results). */
export const RUN_SLICE_CYCLES = 1_000_000;

/** Maximum depth of nested `.include` / macro expansion in the assembler. */
export const ASM_MAX_EXPANSION_DEPTH = 32;
/** The assembler stops collecting diagnostics after this many errors. */
export const ASM_MAX_ERRORS = 50;

/** Default guest CPU clock in Hz: virtual time (ns) = cycles * 1e9 / clock. 1 GHz keeps cycles == ns. */
export const DEFAULT_CLOCK_HZ = 1_000_000_000;

// ---------------------------------------------------------------------------------------------------
// Datacenter layer: simulation loop, CPU scheduler, counters, power and memory models.
// ---------------------------------------------------------------------------------------------------

/** Lockstep quantum (virtual ns): every host runs this much, then all hosts meet at a barrier. */
export const SIM_QUANTUM_NS = 10_000_000;
/** Most lockstep quanta one stretch runs (`lab/simLoop.ts`): with host workers, while every barrier service
 *  is quiet (no barrier needs the coordinator before the stretch's end), each worker runs this many quanta
 *  in one call, doing each quantum's per-host barrier steps itself, and the coordinator takes their replies
 *  in afterwards in the lockstep order. 10 quanta = 100 ms, the console poll's period (a stretch never
 *  crosses a 100 ms boundary), so an `advance` still returns on time and the client sees consoles as often.
 *  1: every segment is one quantum (the lockstep loop itself). */
export const SIM_STRETCH_MAX_QUANTA = 10;
/** Default simulated host clock (MHz) when a scenario leaves it out: a teaching CPU that one JS core can
 *  emulate at 1× real time (docs/cost-model.md, "Host clock rates"). */
export const DEFAULT_HOST_CPU_MHZ = 100;

/** Scheduler time slice (ns): a vCPU keeps its pCPU this long before the scheduler re-picks
 *  (ESX used 50 ms, Xen's credit scheduler 30 ms; shorter here so seconds-long labs show sharing). */
export const SCHED_SLICE_NS = 5_000_000;
/** Interleave grid of a VM's vCPUs, in the VM's own time (ns): a vCPU runs at most to the next multiple
 *  of this before the scheduler decides again, so the order in which the vCPUs of one VM touch shared
 *  state depends only on guest time — a restored or reverted VM interleaves exactly as it would have. */
export const SCHED_CHUNK_NS = 1_000_000;
/** Relaxed co-scheduling (ESX 3/4): a vCPU whose progress leads its slowest sibling by more than this
 *  is co-stopped. Progress = run + idle time (an idling vCPU does not create skew). */
export const COSCHED_SKEW_BOUND_NS = 3_000_000;
/** A co-stopped vCPU is co-started once its lead has fallen to this (hysteresis against flapping). */
export const COSCHED_COSTART_SKEW_NS = 1_000_000;
/** How often an idle pCPU re-checks co-stopped vCPUs whose siblings are idling forward. */
export const COSCHED_POLL_NS = 500_000;
/** How often the scheduler looks again at a vCPU waiting for a page not present here (post-copy, host
 *  swap) when the handler gave no expected arrival time: pages arrive at the lab's 10 ms barriers, so
 *  a tenth of that bounds the extra wait a vCPU is charged after its page came. */
export const NOT_PRESENT_POLL_NS = 1_000_000;
/** Accounting period for CPU reservations and limits (ns): a VM over its limit in a period waits
 *  (as ready, counted in cpu.maxlimited) until the next period. */
export const SCHED_PERIOD_NS = 100_000_000;
/** Throughput of a logical CPU while its hyper-thread sibling is busy, as a fraction of a core
 *  (Broadcom/VMware KB 326271: two busy hyper-threads give +10–30 %, so each is worth 0.55–0.65 of a core). */
export const HT_SHARED_EFFICIENCY = 0.6;
/** vSphere "normal" CPU shares per vCPU. */
export const CPU_SHARES_PER_VCPU_NORMAL = 1000;
/** Smallest delay before a vCPU that just halted may be woken again (ns): guarantees progress. */
export const SCHED_MIN_WAKE_NS = 1_000;

/** Host power model (power.power.average): watts at idle = base + per socket ... */
export const POWER_IDLE_WATTS_BASE = 50;
export const POWER_IDLE_WATTS_PER_SOCKET = 30;
/** ... plus this many watts per fully busy physical core (load-proportional part). */
export const POWER_BUSY_WATTS_PER_CORE = 12;
/** A host in standby (ACPI S5 soft-off, woken by Wake-on-LAN or its BMC, as vSphere DPM uses it) still
 *  powers its management controller and NIC: MODELLED as this many watts (an assumption of the order of a
 *  server's soft-off draw, not a measurement); a powered-off host draws 0 W. */
export const POWER_STANDBY_WATTS = 8;
/** Virtual ms to enter standby and to wake from it. Real servers take minutes to boot; the lab scales the
 *  wake-up down so a class can watch it, and draws idle watts while a host changes state. */
export const HOST_ENTER_STANDBY_MS = 5_000;
export const HOST_EXIT_STANDBY_MS = 20_000;

/** Per-VM overhead memory model (mem.overhead.average), shaped like vSphere's overhead table:
 *  a fixed part (monitor, device state) + per vCPU + a share of configured memory (page-frame
 *  tracking; shadow paging adds shadow page tables). */
export const MEM_OVERHEAD_BASE_KB = 4096;
export const MEM_OVERHEAD_PER_VCPU_KB = 1024;
/** KB of overhead per MiB of configured guest memory (16 B per 4 KiB page). */
export const MEM_OVERHEAD_PER_MIB_KB = 4;
/** Extra KB per MiB of configured memory under shadow paging (the shadow page tables). */
export const MEM_OVERHEAD_SHADOW_PER_MIB_KB = 4;
/** Host memory the hypervisor keeps for itself: charged to each host's memory pool as the `vmkernel` owner (mem.sysUsage; part of host consumed and overhead). */
export const HOST_SYSTEM_MEMORY_MIB = 256;

/** Characters of console output kept per VM (older output is dropped; offsets stay absolute). */
export const CONSOLE_BUFFER_CHARS = 64 * 1024;
/** Disk block size of the copy-on-write disk model (bytes). */
export const DISK_BLOCK_BYTES = 4096;
/** Largest disk transfer (bytes) whose buffer the disk device keeps between commands; a larger one gets a buffer for itself. */
export const DISK_TRANSFER_KEEP_BYTES = 64 * 1024;
/** Full-clone copy rate (bytes of written disk blocks per virtual second) for clone task durations. */
export const CLONE_BYTES_PER_SECOND = 400 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------------
// Memory virtualization: mmu/shadowPaging.ts, mmu/nestedPaging.ts, memory/dirtyTracking.ts.
// ---------------------------------------------------------------------------------------------------

/** Entries of the modelled large-page TLB (fully associative, FIFO), beside the 4 KiB TLB; only
 *  when the machine honours the PS bit. Intel cores have a separate 32-entry 2M/4M DTLB. */
export const DEFAULT_LARGE_TLB_ENTRIES = 16;
/** Shadow tables a VM may hold before the whole shadow cache is dropped and rebuilt on demand
 *  (a bound on monitor memory: the shadow tables themselves cost host memory, AMD 2008). */
export const SHADOW_MAX_TABLES = 4096;
/** A shadow table whose guest table takes this many trapped writes with no walk through it in
 *  between is zapped and its page unwatched (KVM's write-flooding heuristic uses 3). */
export const SHADOW_FLOOD_WRITES = 3;
/** Nested paging with page-walk caches: entries of the nested TLB (gpa → hpa) and of the page-walk
 *  cache for guest upper-level entries (Bhargava et al. 2008 extend a PWC of this order). */
export const NESTED_TLB_ENTRIES = 32;
export const PAGE_WALK_CACHE_ENTRIES = 32;
/** Entries of a vCPU's PML (page-modification log) buffer; a full log exits to the monitor (Intel: 512). */
export const PML_LOG_ENTRIES = 512;

// ---------------------------------------------------------------------------------------------------
// Binary translation (translator/, monitors/binaryTranslation.ts). Host-side tiering only:
// these decide WHAT gets compiled to JavaScript and when, never a guest-visible result.
// ---------------------------------------------------------------------------------------------------

/** A page is translated once the cycles interpreted on it (sampled per interpreter stretch, plus
 *  BT_LANDING_HEAT per arrival) reach this: about a quarter of what compiling a page costs the host
 *  (~0.5 ms; docs/monitors.md, "Why page regions"), so cold code stays interpreted and "translate once" pays off. */
export const BT_HOT_CYCLES = 400_000;
/** Heat added each time execution arrives on an untranslated page (a jump, return or exception). */
export const BT_LANDING_HEAT = 500;
/** The interpreter runs cold code in stretches of at most this many cycles, then the dispatcher looks
 *  for a translation again (the page-level hotness sample). Long enough that the dispatcher costs
 *  well under 1 % on code too cold to translate (bench/monitors.ts `cold`). */
export const BT_COLD_SLICE_CYCLES = 20_000;
/** `hw`/`pv` translate only the code that ran (executor option `onlyCodeThatRan`): once a page is hot, the
 *  interpreter runs it one basic block at a time for this many cycles, marking the words it executes,
 *  and the region holds those words only (a side exit leaves to the dispatcher). One cold slice's worth:
 *  long enough to see a loop's body and its exits, short enough to cost little (a call per block). */
export const BT_PROFILE_CYCLES = 20_000;
/** `hw` translates no guest KERNEL page before its executor has run this many guest cycles (executor
 *  option `kernelTranslateAfterCycles`; user pages are translated as soon as they are hot). A kernel's
 *  first tenth of a second (boot, the first processes' start) runs many paths once or a few times: its
 *  regions, translated then, are large and branchy, and V8 spends the start compiling them, running
 *  them in its bytecode tier and recompiling them after each "insufficient type feedback" deoptimisation
 *  (a path first taken after it optimised) — on labos `mixed`, ~1 CPU-second of its compiler for a few
 *  million guest instructions. Meanwhile the interpreter, optimised by V8 within that time, runs them.
 *  Host-side only (docs/PERFORMANCE.md, "Monitors: the first seconds, fourth round"). */
export const HW_KERNEL_TRANSLATE_AFTER_CYCLES = 100_000_000;
/** `hw` and `pv` call a region's generated function only once the interpreter has run this many guest
 *  instructions in stretches started at the region's entries (executor option `enterAfterInstructions`:
 *  host-side lazy compilation). V8 compiles a function to bytecode at its first call, runs it in its
 *  bytecode tier (a few M guest instructions per second here, against the optimised interpreter's ~200 M)
 *  and optimises it on a background thread whose CPU time the process pays; a region entered in the
 *  kernel's first milliseconds pays all of that for code that may run a handful of times. ~25 ms of the
 *  warm interpreter: a hot loop passes it at once, one-off paths never. Measured at 1, 2, 5 and 20 M on
 *  labos `mixed` (docs/PERFORMANCE.md, "Monitors: the first seconds, fifth round"). Host-side only. */
export const HOST_ENTER_AFTER_INSTRUCTIONS = 5_000_000;
/** `bt` runs a region by the interpreter, exactly as its generated function would (every bt counter,
 *  cycle, stop, exit site and digest the same: translator/exactWarmUp.ts), until the region has run this
 *  many guest instructions; only then is its function called (executor option
 *  `exactEnterAfterInstructions`). Like HOST_ENTER_AFTER_INSTRUCTIONS for `hw`/`pv` it spares V8 the
 *  compiles, bytecode-tier runs and deopts of code that runs a few times in the first seconds, but keeps
 *  bt's results. 0 = a region's function from its first call. 20 M measured against 1, 2, 5 and 100 M
 *  (docs/PERFORMANCE.md, "Monitors: bt's exact warm-up"). Host-side only. */
export const BT_ENTER_AFTER_INSTRUCTIONS = 20_000_000;
/** bt's exact warm-up ends for every region once its executor has run this many guest instructions (option
 *  `exactWarmUpLimit`): on a large footprint (bench `large`: ~60 regions, each warm only slowly) the
 *  regions would otherwise stay on the exact path (~75 M/s) for many seconds. Measured at 100 M and 40 M on
 *  a quiet machine (40 M: `large`'s 8-s start 0.88 of no warm-up's instead of 0.76, `mixed` alike)
 *  (docs/PERFORMANCE.md, "After the sixth merge of this round"). Host-side only. */
export const BT_EXACT_WARM_UP_LIMIT_INSTRUCTIONS = 40_000_000;
/** A region function's budget exit (taken at most once per run) is given V8 type feedback at the
 *  function's this-many-th real call (translator budgetExitFeedback.ts): V8 allocates a function's
 *  feedback vector only once it has run about 8 times its bytecode's length (a region's call runs most
 *  of it: ~8 calls), and optimises it after about three times 66 KB more, so before its budget exit has
 *  run — and deoptimises it at the first budget stop. Host-side only. */
export const BT_BUDGET_EXIT_FEEDBACK_ENTRY = 12;
/** Calls of the function that leave at once through its budget exit, at that point. */
export const BT_BUDGET_EXIT_FEEDBACK_CALLS = 2;
/** A call may run little of its function (V8 may not have its feedback vector yet), so the feedback is
 *  given again this factor more real calls later (at the 60th), while the step is at most
 *  BT_BUDGET_EXIT_FEEDBACK_LAST. Not later: by then V8 has optimised the function, and a call through
 *  an exit its optimised code has no feedback for deoptimises it — feeding at the 252nd and 1,020th
 *  calls too cost the busy mix's `io` VMs 1.39× the CPU (docs/PERFORMANCE.md). */
export const BT_BUDGET_EXIT_FEEDBACK_FACTOR = 4;
export const BT_BUDGET_EXIT_FEEDBACK_LAST = 48;
/** With only the code that ran translated (`hw`): when more than this many landings (points where
 *  interpreted hot code stopped) would become entries of a new region — each uncovered by the entries'
 *  plan — a landing is labelled only where the entries and the landings kept so far leave it out: one
 *  `case` label per straight run (translationCache.ts). On `large` ~60 regions had 49-113 labels each
 *  (each a join of every live local that V8 compiles): V8's optimising compile took ~2.4x as long and the
 *  optimised code ran at about half the speed. At or below it every uncovered landing is labelled, as
 *  before: applied to every page, labos `cpu`'s user loop (4 landings, then 2 labels instead of 4) ran at
 *  ~0.6x its steady speed (not explained); labos `cpu` and `mixed` stay below it (at most ~40).
 *  Host-side only (docs/PERFORMANCE.md, "Monitors: `large` under hw — a label per straight run"). */
export const BT_MANY_LANDINGS = 48;
/** Arrivals at an untranslated pc of a page that already has regions before a further region is
 *  compiled for the page's untranslated entry points. */
export const BT_NEW_ENTRY_ARRIVALS = 4;
/** Back edges inside a region (codegen.ts `backEdgeLoops`): a branch or jump back to a block of a cycle
 *  of plain blocks (arithmetic and control flow only: no load, store, division or callout) enters a JS
 *  `for(;;)` holding a copy of the cycle's blocks instead of going round the region's `switch` (per
 *  block its budget check, cost and counter kept). At most this many blocks on the cycle, and at most
 *  BT_BACK_EDGE_LOOP_INSTRUCTIONS guest instructions in them (each copy grows the generated function).
 *  Host-side only. */
export const BT_BACK_EDGE_LOOP_BLOCKS = 8;
export const BT_BACK_EDGE_LOOP_INSTRUCTIONS = 64;
/** A region function counts the cycles left before its budget stop down in an int32 local (one live value
 *  instead of the cycles and the stop, no overflow check per block): a call's budget left may be at most this
 *  many cycles (Cpu.run hands the executor RUN_SLICE_CYCLES at a time); a larger one throws (a caller's bug). */
export const BT_REGION_MAX_CYCLES_LEFT = 0x40000000;
/** Most guest instructions in one region (one generated function): V8 optimizes a function only up to
 *  ~60 KB of bytecode (--max-optimized-bytecode-size), and the measurement in docs/monitors.md ("Why
 *  page regions") used 256-instruction pages. A page with more hot code gets several regions. */
export const BT_REGION_MAX_INSTRUCTIONS = 256;
/** Translation-cache capacity: compiled pages (page + mode) and translated guest instructions; the least
 *  recently used region is evicted beyond either (QEMU's TCG instead flushes its whole code buffer, 1 GiB
 *  for 64-bit system emulation). */
export const BT_MAX_REGIONS = 512;
export const BT_MAX_INSTRUCTIONS = 128 * 1024;
/** Each invalidation of a page doubles the heat it needs before it is translated again (adaptive: pages
 *  that keep being rewritten, like self-modifying code or code next to hot data, stay interpreted). */
export const BT_MAX_HEAT_SHIFT = 6;
/** Compiled regions (and region plans) kept for sharing between translation caches — VMs booted from
 *  the same image translate the same pages (translator/sharedCode.ts); least recently used out first.
 *  About a labos kernel's and its programs' hot pages several times over (a few MB of generated source). */
export const BT_SHARED_CODE_ENTRIES = 1024;

// ---------------------------------------------------------------------------------------------------
// Placement (engine/placement): model sizes and the cost model that charges solving in virtual time.
// ---------------------------------------------------------------------------------------------------

/** Largest arc-flow graph built (item arcs); beyond it the assignment model or the heuristics answer. */
export const ARCFLOW_MAX_ARCS = 200_000;
/** Largest assignment model built (item–host pairs that may hold); beyond it the heuristics answer. */
export const ASSIGNMENT_MAX_PAIRS = 60_000;
/** Default and largest time limit of an exact solve, in seconds (the port enforces it on the wall clock). */
export const PLACEMENT_DEFAULT_TIME_LIMIT_S = 10;
export const PLACEMENT_MAX_TIME_LIMIT_S = 120;
/** Most items `placement.solve` traces step by step (`trace`): the trace is for watching a packing in a
 *  lecture, one step per item, and its size grows with items × hosts looked at. */
export const PLACEMENT_TRACE_MAX_ITEMS = 300;
/** Virtual time per item–host check of a heuristic (cost model; calibrated once from bench/placement.ts
 *  on the reference machine: FFD's 10,000 × 1,000 run makes ~2.6e7 checks — a model, not a measurement). */
export const PLACEMENT_NS_PER_CHECK = 4;
/** Virtual time of an exact solve: (simplex iterations + PLACEMENT_NODE_ITERATIONS × B&B nodes) × nonzeros
 *  × this (cost model, calibrated from bench/placement.ts's u120 runs: ~1,000 iterations over ~7,000
 *  nonzeros took ~0.7 s of HiGHS in WebAssembly). */
export const PLACEMENT_NS_PER_ITERATION_NONZERO = 100;
export const PLACEMENT_NODE_ITERATIONS = 20;
/** Modelling-language solver: virtual time per search node and per propagator run (cost model). */
export const CP_NS_PER_NODE = 2_000;
export const CP_NS_PER_PROPAGATION = 200;
/** Modelling-language solver: default limit of search nodes (the search stops and says so). */
export const CP_DEFAULT_NODE_LIMIT = 2_000_000;
/** Reconfiguration plans: bandwidth a move's memory is copied at (QEMU's default `max-bandwidth`,
 *  134217728 B/s = 128 MiB/s), and the default number of moves touching one host at once (vSphere allows
 *  4 concurrent vMotions per host on 1 GbE; each move is assumed to get the whole bandwidth, so the estimate
 *  is optimistic when moves share a link — docs/placement.md). */
export const PLAN_BANDWIDTH_MIB_PER_S = 128;
export const PLAN_DEFAULT_MAX_CONCURRENT_PER_HOST = 2;

// ---------------------------------------------------------------------------------------------------
// Memory overcommitment (engine/overcommit): the reclamation ladder's timing and costs. The per-host
// settings a user changes (scan rates, salting, cache size, idle tax) are @shared/model/memoryReclamation.
// ---------------------------------------------------------------------------------------------------

/** Pages sampled per VM per sample period to estimate its active memory (Waldspurger 2002: 100). */
export const MEM_SAMPLE_PAGES = 100;
/** Page sharing's scanner walks a VM sparsely (listing its pages with a frame and jumping between them)
 *  rather than page by page when whole credit × pages > this × (pages with a frame)²: page by page costs
 *  about credit × pages / framed state queries, a listing about this many times framed. Host time only —
 *  both walks visit the same pages in the same order (bench/datacenter-realtime.ts --fake shows the effect). */
export const SHARE_SCAN_SPARSE_COST = 2;
/** How often balloon targets are recomputed (virtual ms): ESX's vmmemctl driver polls about once a second. */
export const BALLOON_PERIOD_MS = 1000;
/** Free memory above which balloons deflate, as a multiple of minFree (the lab's hysteresis band: inflate
 *  below 64 % of minFree, deflate above twice minFree). */
export const BALLOON_DEFLATE_FREE_X_MINFREE = 2;
/** Hypervisor swap-out bandwidth (pages per virtual second): 25,600 pages = 100 MiB/s, a datastore's
 *  sequential write rate (a model, docs/memory-overcommit.md). */
export const SWAP_OUT_PAGES_PER_SEC = 25_600;
/** Latency of one swap-in from the VM's swap file (virtual ns): a random 4 KiB read from a spinning disk
 *  (~5 ms; a model, docs/memory-overcommit.md). */
export const SWAP_IN_LATENCY_NS = 5_000_000;
/** Time to decompress one page from the compression cache (virtual ns): a model for the lab's own LZ4
 *  decoder on an idle core, pinned so runs do not depend on the machine (bench/overcommit.ts measures the
 *  decoder; docs/PERFORMANCE.md has the figures and the load they were taken under). */
export const DECOMPRESS_NS_PER_PAGE = 8_000;
/** A compressed page is kept only if it fits in this many bytes (half a page: ESX's rule); else it is swapped. */
export const COMPRESSED_PAGE_MAX_BYTES = 2048;
/** Hysteresis of the free-memory state (fraction of minFree): a host returns to a better state only when
 *  its free memory is this much above the threshold, so a state does not flap at every barrier. */
export const MEM_STATE_HYSTERESIS = 0.05;
/** Compression and swapping, started when a host enters hard (below 32 % of minFree), go on until free
 *  memory is back at this fraction of minFree: halfway up the soft band (32–64 %), so a host under steady
 *  pressure settles in soft instead of crossing the hard threshold at every barrier (the lab's choice;
 *  ESX documents the thresholds, not its stop level). */
export const SWAP_STOP_FRACTION = 0.48;

// ---------------------------------------------------------------------------------------------------
// Live migration (engine/migration). User-facing defaults live in @shared/model/migration
// (MIGRATION_DEFAULTS, QEMU's); these are the mechanism's constants, each with its source.
// ---------------------------------------------------------------------------------------------------

/** QEMU's BUFFER_DELAY: the rate limit is enforced per 100 ms slice of max-bandwidth / 10 bytes. */
export const MIGRATION_RATE_SLICE_MS = 100;
/** QEMU recomputes the dirty-pages rate (and evaluates auto-converge) at a sync at least this long after the last rate period. */
export const MIGRATION_RATE_PERIOD_MS = 1000;
/** QEMU computes expected-downtime only after this many bytes were sent (migration_update_counters). */
export const MIGRATION_EXPECTED_DOWNTIME_MIN_BYTES = 10_000;
/** Auto-converge throttles down after this many rate periods with a high dirty rate (QEMU dirty_rate_high_cnt >= 2). */
export const AUTO_CONVERGE_HIGH_PERIODS = 2;
/** QEMU's CPU_THROTTLE_TIMESLICE_NS: a throttled vCPU runs this long, then sleeps pct/(1−pct) of it. */
export const CPU_THROTTLE_TIMESLICE_NS = 10_000_000;
/** Xen migration v2 simple_precopy_policy: stop and copy below this many dirty pages … */
export const XEN_V2_TARGET_DIRTY_COUNT = 50;
/** … or at this iteration (counted from 0, the bulk pass). */
export const XEN_V2_MAX_ITERATIONS = 5;
/** Classic libxc xc_domain_save: DEF_MAX_ITERS 29 ("limit us to 30 times round loop"), DEF_MAX_FACTOR 3, < 50 pages. */
export const XEN_CLASSIC_MAX_ITERS = 29;
export const XEN_CLASSIC_MAX_FACTOR = 3;
export const XEN_CLASSIC_MIN_PAGES = 50;
/** QEMU's multifd packet: up to 128 pages (512 KiB); compression works per packet. */
export const MULTIFD_PACKET_PAGES = 128;
/** XBZRLE: a cached page younger than this many sync generations is not evicted by a colliding page (QEMU CACHED_PAGE_LIFETIME; kept for the direct-mapped comparison in docs). */
export const XBZRLE_CACHED_PAGE_LIFETIME = 2;
/** Post-copy: barriers every this many ms while pages are requested, so a remote fault is served within RTT + transfer rounded up to it. */
export const POSTCOPY_BARRIER_MS = 1;
/**
 * A migration's records are handed from the sender half to the receiver half once this many bytes are
 * pending (and at the end of every step): a switchover's whole copy never sits in one buffer. Memory and
 * host CPU only; the results do not depend on it.
 */
export const MIGRATION_RECORD_BATCH_BYTES = 1 << 20;
/**
 * Full record batches the sender half (on the source's owner) keeps within one call before it hands them
 * to the receiver early through its port (a stop-and-copy's last pages are one call): what a call holds
 * stays this many batches, and their buffers come back to be written again. Memory and host CPU only.
 */
export const MIGRATION_SENDER_HELD_BATCHES = 2;
/** Modelled setup of a migration before the first page (connection, capabilities, bitmap): one round trip plus this. */
export const MIGRATION_SETUP_MS = 5;
/** Resuming the VM on the destination after its last byte arrived (device load, vCPU start), ms (modelled). */
export const MIGRATION_RESUME_MS = 1;
/** A pre-copy estimate (`migration/estimate.ts`) stops counting rounds here when the dirty rate outruns the bandwidth. */
export const MIGRATION_ESTIMATE_MAX_ROUNDS = 30;
/**
 * Migration's host-side CPU work in virtual ns per byte (cost model, never the wall clock): zero-page
 * scan, page hash, full compare on a hash hit, XBZRLE encode / decode, page copy. Source: CPU time
 * measured by bench/migration-codecs.ts on the reference machine (docs/migration.md, "Cost model").
 */
export const MIGRATION_CPU_COST = {
  /** A zero page read whole (a non-zero page exits at its first non-zero word: 0.02 measured). */
  zeroScan: 0.271,
  /** xxHash64 through the codec port (the engine's own hash measured 0.278). */
  hash: 0.181,
  compare: 0.392,
  /** One word changed per page; a page changed throughout overflows at 1.476 (charged the same: the model is per page). */
  xbzrleEncode: 0.391,
  xbzrleDecode: 0.021,
  copy: 0.072,
} as const;
/**
 * Compression CPU cost per codec: ns = inNs × input bytes + outNs × output bytes (never below 0), per
 * level from `firstLevel` (zlib 0–9, zstd 1–22, lz4 one level), and decompression likewise (in =
 * compressed bytes, out = page bytes). The line goes through two measured points, random
 * (incompressible) and text-like packets of 128 pages, from bench/migration-codecs.ts (AMD EPYC, 2 cores,
 * load average ~20); outNs is negative where a codec spends more on data it can compress than on data it
 * gives up on. zstd levels 10–11, 13–14, 16–18, 20–21 are interpolated between measured levels.
 */
export const CODEC_CPU_COST: Record<'zlib' | 'zstd' | 'lz4', {
  firstLevel: number;
  compress: readonly { inNs: number; outNs: number }[];
  decompress: { inNs: number; outNs: number };
}> = {
  zlib: {
    firstLevel: 0,
    compress: [
      { inNs: 1.209, outNs: 0 }, { inNs: 0.785, outNs: 20.773 }, { inNs: 8.792, outNs: 11.714 }, { inNs: 14.835, outNs: 5.164 },
      { inNs: 13.068, outNs: 17.285 }, { inNs: 24.711, outNs: -3.266 }, { inNs: 75.158, outNs: -54.18 }, { inNs: 127.716, outNs: -106.042 },
      { inNs: 257.005, outNs: -231.951 }, { inNs: 251.035, outNs: -222.99 },
    ],
    decompress: { inNs: -1.553, outNs: 2.461 },
  },
  zstd: {
    firstLevel: 1,
    compress: [
      { inNs: 7.664, outNs: -5.214 }, { inNs: 9.078, outNs: -6.936 }, { inNs: 10.772, outNs: -8.13 }, { inNs: 10.616, outNs: -6.853 },
      { inNs: 30.591, outNs: -24.274 }, { inNs: 37.877, outNs: -30.772 }, { inNs: 45.123, outNs: -34.394 }, { inNs: 41.899, outNs: -33.377 },
      { inNs: 41.853, outNs: -35.524 }, { inNs: 60.206, outNs: -53.962 }, { inNs: 78.559, outNs: -72.401 }, { inNs: 96.912, outNs: -90.839 },
      { inNs: 198.658, outNs: -189.291 }, { inNs: 300.405, outNs: -287.744 }, { inNs: 402.151, outNs: -386.196 }, { inNs: 496.528, outNs: -428.346 },
      { inNs: 590.904, outNs: -470.495 }, { inNs: 685.281, outNs: -512.645 }, { inNs: 779.657, outNs: -554.795 }, { inNs: 766.031, outNs: -530.99 },
      { inNs: 752.406, outNs: -507.184 }, { inNs: 738.78, outNs: -483.379 },
    ],
    decompress: { inNs: -1.133, outNs: 2.165 },
  },
  lz4: {
    firstLevel: 1,
    compress: [
      { inNs: 8.854, outNs: -8.133 },
    ],
    decompress: { inNs: -1.512, outNs: 2.426 },
  },
};

// ---------------------------------------------------------------------------------------------------
// Hardening: bounds on what one input may ask of the engine (docs/security.md lists every limit).
// ---------------------------------------------------------------------------------------------------

/** Most hosts a lab (one scenario) may have: enough for every built-in lab and benchmark, far below
 *  what one engine thread can hold; a scenario that asks for more is refused before anything is built. */
export const LAB_MAX_HOSTS = 1000;
/** Most VMs (and templates) on one host: vSphere's configuration maximum for ESXi 7/8 is 1,024. */
export const LAB_MAX_VMS_PER_HOST = 1024;
/** Most VMs (and templates) in a lab: five times the largest measured lab (docs/PERFORMANCE.md). */
export const LAB_MAX_VMS = 10_000;
/** Most (action × target) pairs a scenario's timeline may hold (an action with `vms: [...]` counts each VM). */
export const SCENARIO_MAX_ACTION_TARGETS = 100_000;
/** Latest time a scenario action may run at (`at`, strings and numbers alike): one year of virtual time. */
export const SCENARIO_MAX_AT_MS = 365 * 86_400_000;
/** `hvlab scenario run` without `--until` runs to 60 s after the last action, but never past this: a
 *  scenario whose last action is later needs an explicit `--until`. */
export const SCENARIO_DEFAULT_RUN_MAX_MS = 3_600_000;

/** Bytes a VM's console input queue may hold (typed but not yet read by the guest); more is refused. */
export const CONSOLE_INPUT_MAX_BYTES = 64 * 1024;

/** Reset-storm watchdog: a guest that resets itself more than this many times within
 *  RESET_STORM_WINDOW_NS of virtual time is marked crashed (each reset rebuilds memory and, under bt,
 *  throws away every translation: a reset loop costs the host far more than it costs the guest). */
export const RESET_STORM_MAX_RESETS = 20;
export const RESET_STORM_WINDOW_NS = 1_000_000_000;

/** Assembler limits (each exceeded limit is a located diagnostic, never a hang or a stack overflow). */
/** Macro expansions and includes in one assembly: a macro (or file) that expands itself twice per level
 *  would otherwise double at every level of ASM_MAX_EXPANSION_DEPTH (labos: a few hundred). */
export const ASM_MAX_MACRO_EXPANSIONS = 50_000;
/** Source lines after includes and macro expansion (labos: about 7,000). */
export const ASM_MAX_EXPANDED_LINES = 250_000;
/** Bytes of output one program may describe (`.space`, `.org` gaps): guest memory is at most 4 GiB but
 *  a program image is loaded whole; 64 MiB is ample for any teaching program. */
export const ASM_MAX_OUTPUT_BYTES = 64 * 1024 * 1024;
/** Nesting of parentheses and unary operators in one expression, and of constants defined by constants. */
export const ASM_MAX_EXPR_DEPTH = 256;
/** Length of one source line (characters) and of an include file name. */
export const ASM_MAX_LINE_CHARS = 4096;
export const ASM_MAX_INCLUDE_NAME_CHARS = 256;

// ── Cluster services: vSphere HA and DRS (engine/services/) ────────────────────────────────────────
/** HA declares a host failed this long after its heartbeats stop (vSphere: no network heartbeat for
 *  10 s, then no ping and no datastore heartbeat; the failure is declared at about 15 s). */
export const HA_HOST_FAILURE_DETECTION_MS = 15_000;
/** An isolated host declares itself isolated this long after it stops receiving heartbeats (vSphere 5.x+: 30 s);
 *  its isolation response runs then. */
export const HA_ISOLATION_DETECTION_MS = 30_000;
/** How often HA looks at the cluster when nothing is pending (failures themselves are due exactly). */
export const HA_SCAN_PERIOD_MS = 1_000;
/** VM monitoring: at most this many resets of one VM within the reset window (vSphere: 3 per hour). */
export const HA_VM_MONITORING_MAX_RESETS = 3;
export const HA_VM_MONITORING_RESET_WINDOW_MS = 3_600_000;
/** Restart records kept per cluster (newest kept). */
export const HA_MAX_RESTART_RECORDS = 500;
/**
 * HA restart retries (the lab's defaults, after vSphere's FDM): a restart that could not be placed or
 * whose power-on failed is tried again after 2 min, then 4 min, then 8 min for every later try, at most
 * `HA_RESTART_MAX_RETRIES` times after the first attempt (vSphere's das.maxvmrestartcount, default 5);
 * then the VM is reported as not restarted. Every failed attempt is a `VmFailoverFailed` event.
 */
export const HA_RESTART_MAX_RETRIES = 5;
export const HA_RESTART_RETRY_DELAYS_MS = [120_000, 240_000, 480_000] as const;
/** DRS: at most this many migration recommendations per pass (vSphere limits the moves of a pass too). */
export const DRS_MAX_MOVES_PER_PASS = 32;
/** DRS: destinations considered per move, the least-loaded hosts below the mean (speed; see drsBalance.ts). */
export const DRS_DESTINATIONS = 8;
/** DRS: applied/dismissed recommendations kept per cluster. */
export const DRS_MAX_HISTORY = 200;
/**
 * DPM's target utilisation range (vSphere's defaults: DemandCapacityRatioTarget 63 % ± DemandCapacityRatio-
 * Tolerance 18 %): above the high mark a standby host is woken; a host is put into standby only when the
 * remaining hosts stay at or under it. Utilisation = demand ÷ capacity of the powered-on hosts, the larger of
 * CPU and memory.
 */
export const DPM_TARGET_UTILIZATION = 0.63;
export const DPM_TOLERANCE = 0.18;
/** DPM: decided recommendations kept per cluster. */
export const DPM_MAX_HISTORY = 100;
/** DPM evacuates a host this many migrations at a time (vSphere: a host's concurrent vMotion limit). */
export const DPM_EVACUATION_CONCURRENCY = 2;
/**
 * Availability simulation: most scan steps one `availability.cluster` query may cost (expected host
 * up/down changes × hosts per change, over all replications), so one query cannot hold the engine for
 * long (20 million steps took 2.6 s on a shared 2-core machine at load average 16). A request over it is
 * refused, naming `replications`, with the figure.
 */
export const AVAILABILITY_MAX_SIM_STEPS = 10_000_000;
