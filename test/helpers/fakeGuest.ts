/**
 * fakeGuest — a TEST DOUBLE for `GuestMachine`, used until (and beside) the real guest machine: a
 * deterministic machine whose vCPUs consume cycles on a scripted duty cycle, with a tick-counting
 * guest clock, sparse memory, a disk it writes through the VM's BlockStore, and saveable state.
 *
 * Model (all in the VM's own time base):
 *  - A periodic timer ticks every `1e9 / tickHz` ns on every vCPU. Each delivered tick costs
 *    `handlerCycles` and adds `duty × cycles-per-tick` of work; a vCPU with no work left halts until
 *    its next tick (`nextWakeNs`). duty ≥ 1 (workload `cpu`) never halts.
 *  - Ticks that came due while the vCPU was not running are a backlog, delivered in a burst when it
 *    runs again (the guest clock lags, then catches up); a backlog above `giveUpTicks` is dropped (the
 *    clock stays behind). The guest clock = ticks delivered on vCPU 0 × tick period.
 *  - Every `writeEvery` instructions the vCPU writes one page of its working set (`memwrite`); every
 *    `ioEvery` instructions it writes one disk block (`io`).
 *  - Split-invariant: run(a) then run(b) from where it stopped == run(a + b).
 *  - Memory: guest-physical pages (gpfn < memoryBytes / 4096): 32 kernel pages at 0..31, then each
 *    vCPU's working set. A page the workload wrote holds its value in word 0 and zeros elsewhere; a
 *    page written through the page-level seam holds the bytes given (kept as a value when they have
 *    that shape). Page operations follow the seam: not-present pages fault when the workload writes
 *    them (the handler supplies them, charging the stall, or the vCPU waits — runVcpu reports
 *    `waitingForPage`); `saveCore()` + `incomingMemory()` move a fake page by page. Frames are modelled,
 *    not taken from `hostMemory` (the double must stay light for benchmarks of 1,000s of VMs): every
 *    touched page counts as one private frame, and `sharePage` copies bytes (so no write ever breaks
 *    sharing: `sharedBreaks` stays 0).
 *
 * Workloads: cpu (duty 1), idle (duty 0), memwrite, io, anything else (duty 0.5). workloadParams
 * override: duty, tickHz, handlerCycles, writeEvery, workingSetPages, ioEvery, crashAtMs, giveUpTicks,
 * instrCycles (> 1: runs stop only at instruction boundaries and may overshoot a budget slightly).
 * Never shipped in src-main: the engine's factory port receives it in tests and benchmarks only.
 */
import type {
  GuestCrash, GuestFrameStats, GuestMachine, GuestMachineState, GuestPages, GuestPageState, IncomingGuestMemory, NotPresentHandler, VcpuRunResult,
} from '../../src-main/engine/vm/guestMachine';
import type { GuestConfig, GuestFactory } from '../../src-main/engine/vm/guestFactory';
import type { BlockStore } from '../../src-main/engine/snapshot/diskChain';

interface VcpuState {
  localNs: number;
  /** Timer ticks whose time has come (delivered or dropped). */
  ticksSeen: number;
  /** Ticks the guest OS counted (its clock). */
  ticksDelivered: number;
  workLeft: number;
  halted: boolean;
  instructions: number;
  cycles: number;
  writes: number;
  ios: number;
  /** Page this vCPU waits for (not present), or -1. */
  waitingFor?: number;
  waitSinceNs?: number;
}

interface Params {
  duty: number; tickHz: number; handlerCycles: number; writeEvery: number; workingSetPages: number;
  ioEvery: number; crashAtMs: number; giveUpTicks: number;
  /** Cycles per instruction: the machine stops only at instruction boundaries, so a run may overshoot
   *  its budget by up to instrCycles − 1 (as the real machine may). */
  instrCycles: number;
}

interface FakeState {
  kind: 'fakeGuest/1';
  params: Params;
  bootNs: number;
  pageCount: number;
  vcpus: VcpuState[];
  /** Touched pages: gpfn → the value in word 0 (the rest of the page is zero). */
  pages: Map<number, number>;
  /** Pages whose bytes have another shape (written through the seam): gpfn → bytes (never mutated). */
  bytes: Map<number, Uint8Array>;
  notPresent: Set<number>;
  pageTick: Map<number, number>;
  counters: Record<string, number>;
  state: GuestMachineState;
  crash?: GuestCrash;
  shutdownAt: number;
  console: string;
  droppedTicks: number;
}

const WORKLOAD_DUTY: Record<string, number> = { cpu: 1, idle: 0, memwrite: 0.3, io: 0.2, hello: 0 };
const KERNEL_PAGES = 32;
const PAGE = 4096;

/** Little-endian word k of a page's bytes. */
const wordOf = (b: Uint8Array, k: number): number => (b[4 * k] | (b[4 * k + 1] << 8) | (b[4 * k + 2] << 16) | (b[4 * k + 3] << 24)) >>> 0;

/** A page's bytes as the fake keeps them: a value (word 0, zeros elsewhere), zero (undefined), or bytes. */
function canonical(b: Uint8Array): { value?: number; bytes?: Uint8Array } {
  for (let k = 4; k < PAGE; k++) if (b[k] !== 0) return { bytes: b.slice() };
  const v = wordOf(b, 0);
  return v === 0 ? {} : { value: v };
}

/** The sparse page store of a fake (shared by a running FakeGuest and a FakeIncomingMemory). */
class FakePages implements GuestPages {
  constructor(protected st: () => { pageCount: number; pages: Map<number, number>; bytes: Map<number, Uint8Array>; notPresent: Set<number> }) {}

  /** Bumped by every write through the seam and every workload write that touched a new page (see `GuestPages.framesGained`). */
  protected gained = 0;
  get framesGained(): number { return this.gained; }
  /** Bumped whenever the not-present set may have changed (the running fake caches which pages of each working set are in it). */
  protected notPresentChanges = 0;

  get pageCount(): number { return this.st().pageCount; }

  protected check(gpfn: number): void {
    if (!Number.isInteger(gpfn) || gpfn < 0 || gpfn >= this.st().pageCount) throw new RangeError(`guest page ${gpfn} is outside guest memory (${this.st().pageCount} pages)`);
  }

  readPage(gpfn: number, out: Uint8Array = new Uint8Array(PAGE)): Uint8Array | undefined {
    this.check(gpfn);
    const s = this.st();
    if (s.notPresent.has(gpfn)) return undefined;
    const b = s.bytes.get(gpfn);
    if (b) { out.set(b); return out; }
    out.fill(0);
    const v = s.pages.get(gpfn) ?? 0;
    out[0] = v & 255; out[1] = (v >>> 8) & 255; out[2] = (v >>> 16) & 255; out[3] = v >>> 24;
    return out;
  }

  /** Stores bytes as the page's contents (a not-present page becomes present). */
  protected put(gpfn: number, b: Uint8Array): void {
    if (b.length !== PAGE) throw new RangeError(`a page is ${PAGE} bytes`);
    const s = this.st();
    this.gained++;
    if (s.notPresent.delete(gpfn)) this.notPresentChanges++;
    s.bytes.delete(gpfn);
    s.pages.delete(gpfn);
    const c = canonical(b);
    if (c.bytes) { s.bytes.set(gpfn, c.bytes); s.pages.set(gpfn, 0); }
    else if (c.value !== undefined) s.pages.set(gpfn, c.value);
  }

  writePage(gpfn: number, b: Uint8Array): boolean { this.check(gpfn); this.put(gpfn, b); return true; }
  discardPage(gpfn: number): void { this.check(gpfn); this.put(gpfn, new Uint8Array(PAGE)); }

  markNotPresent(gpfn: number): void {
    this.check(gpfn);
    const s = this.st();
    s.pages.delete(gpfn);
    s.bytes.delete(gpfn);
    s.notPresent.add(gpfn);
    this.notPresentChanges++;
  }

  supplyPage(gpfn: number, b: Uint8Array): boolean {
    this.check(gpfn);
    if (!this.st().notPresent.has(gpfn)) throw new RangeError(`guest page ${gpfn} is present: supplyPage fills a page marked not present`);
    this.put(gpfn, b);
    return true;
  }

  sharePage(gpfn: number, from: GuestPages, fromGpfn: number): boolean {
    this.check(gpfn);
    if (from.pageState(fromGpfn) !== 'present') return false;
    this.put(gpfn, from.readPage(fromGpfn)!);
    return true;
  }

  pageState(gpfn: number): GuestPageState {
    this.check(gpfn);
    const s = this.st();
    return s.notPresent.has(gpfn) ? 'notPresent' : s.pages.has(gpfn) ? 'present' : 'untouched';
  }

  scanPages(fn: (gpfn: number, hfn: number, refCount: number) => void): void {
    const s = this.st();
    for (const g of [...s.pages.keys(), ...s.notPresent].sort((a, b) => a - b)) fn(g, s.notPresent.has(g) ? -1 : g, s.notPresent.has(g) ? 0 : 1);
  }

  forEachFramedPage(fn: (gpfn: number) => void): void {
    for (const g of this.st().pages.keys()) fn(g);
  }

  frameStats(): GuestFrameStats {
    const s = this.st();
    return { configuredPages: s.pageCount, mappedPages: s.pages.size, privateFrames: s.pages.size, sharedPages: 0, sharedFrames: 0, consumedFrames: s.pages.size, notPresentPages: s.notPresent.size, sharedBreaks: 0 };
  }
}

/** The destination of a fake moved page by page (fakeGuestFactory.incomingMemory). */
export class FakeIncomingMemory extends FakePages implements IncomingGuestMemory {
  readonly store = { pageCount: 0, pages: new Map<number, number>(), bytes: new Map<number, Uint8Array>(), notPresent: new Set<number>() };
  constructor(pageCount: number) {
    super(() => this.store);
    this.store.pageCount = pageCount;
  }
  release(): void {
    this.store.pages.clear();
    this.store.bytes.clear();
    this.store.notPresent.clear();
  }
}

function paramsFor(config: GuestConfig): Params {
  const p = config.workloadParams;
  const duty = p.duty ?? WORKLOAD_DUTY[config.workload] ?? 0.5;
  return {
    duty,
    tickHz: p.tickHz ?? 100,
    handlerCycles: p.handlerCycles ?? 2000,
    writeEvery: p.writeEvery ?? (config.workload === 'memwrite' ? 2000 : 0),
    workingSetPages: p.workingSetPages ?? 256,
    ioEvery: p.ioEvery ?? (config.workload === 'io' ? 200_000 : 0),
    crashAtMs: p.crashAtMs ?? -1,
    giveUpTicks: p.giveUpTicks ?? 6000,
    instrCycles: Math.max(1, Math.round(p.instrCycles ?? 1)),
  };
}

export class FakeGuest extends FakePages implements GuestMachine {
  readonly vcpuCount: number;
  readonly clockHz: number;
  private s: FakeState;
  private handler: NotPresentHandler | undefined;
  private readonly nsPerCycle: number;
  private readonly tickNs: number;
  private readonly disk: BlockStore | undefined;
  private readonly block = new Uint8Array(4096);

  constructor(config: GuestConfig, clockHz: number, state?: FakeState) {
    super(() => this.s);
    this.clockHz = clockHz;
    this.nsPerCycle = 1e9 / clockHz;
    this.disk = config.disk;
    if (state) {
      this.s = cloneState(state);
      this.s.pageCount ??= Math.max(1, Math.floor(config.memoryBytes / PAGE));
    } else {
      const params = paramsFor(config);
      this.s = {
        kind: 'fakeGuest/1', params, bootNs: config.nowNs, pageCount: Math.max(1, Math.floor(config.memoryBytes / PAGE)), pages: new Map(),
        bytes: new Map(), notPresent: new Set(), pageTick: new Map(), counters: {},
        vcpus: [], state: 'running', shutdownAt: -1, console: `labos (fake) booting ${config.name} with ${config.vcpus} vCPU(s)\n`,
        droppedTicks: 0,
      };
      for (let i = 0; i < config.vcpus; i++) {
        this.s.vcpus.push({ localNs: config.nowNs, ticksSeen: 0, ticksDelivered: 0, workLeft: params.handlerCycles, halted: false, instructions: 0, cycles: 0, writes: 0, ios: 0 });
      }
      for (let pg = 0; pg < KERNEL_PAGES; pg++) this.s.pages.set(pg % this.s.pageCount, pg + 1);
    }
    this.vcpuCount = this.s.vcpus.length;
    this.tickNs = 1e9 / this.s.params.tickHz;
  }

  get state(): GuestMachineState { return this.s.state; }
  get crash(): GuestCrash | undefined { return this.s.crash; }

  runVcpu(i: number, budgetCycles: number, hostNowNs: number): VcpuRunResult {
    const s = this.s;
    const v = s.vcpus[i];
    const res: VcpuRunResult = { cyclesUsed: 0, instructions: 0, halted: false, crashed: false, poweredOff: false };
    if (s.state === 'crashed') { res.crashed = true; return res; }
    if (s.state === 'off') { res.poweredOff = true; return res; }
    if (v.waitingFor !== undefined && v.waitingFor >= 0) {
      if (s.notPresent.has(v.waitingFor)) { res.halted = true; res.waitingForPage = v.waitingFor; return res; }
      s.counters['notPresent.waitedNs'] = (s.counters['notPresent.waitedNs'] ?? 0) + Math.max(0, hostNowNs - (v.waitSinceNs ?? hostNowNs));
      v.waitingFor = -1;
    }
    if (hostNowNs > v.localNs) v.localNs = hostNowNs;
    const p = s.params;
    let used = 0;
    while (used < budgetCycles) {
      this.deliverTicks(i, v);
      if (p.crashAtMs >= 0 && v.localNs - s.bootNs >= p.crashAtMs * 1e6) {
        s.state = 'crashed';
        s.crash = { reason: 'scripted crash (workloadParams.crashAtMs)', pc: v.instructions };
        res.crashed = true;
        break;
      }
      if (s.shutdownAt >= 0 && i === 0 && v.instructions >= s.shutdownAt) {
        s.state = 'off';
        s.console += 'labos: powering off\n';
        res.poweredOff = true;
        break;
      }
      const busyForever = p.duty >= 1;
      if (!busyForever && v.workLeft <= 0) { v.halted = true; res.halted = true; break; }
      v.halted = false;
      const toTick = Math.max(1, Math.ceil((this.nextTickNs(v) - v.localNs) / this.nsPerCycle));
      let chunk = Math.min(budgetCycles - used, toTick);
      if (!busyForever) chunk = Math.min(chunk, v.workLeft);
      const k = p.instrCycles;
      chunk = Math.ceil(chunk / k) * k;
      const ran = this.execute(i, v, chunk);
      if (!busyForever) v.workLeft -= ran;
      used += ran;
      if (v.waitingFor !== undefined && v.waitingFor >= 0) { res.halted = true; res.waitingForPage = v.waitingFor; break; }
    }
    res.cyclesUsed = used;
    res.instructions = Math.round(used / p.instrCycles);
    return res;
  }

  isHalted(i: number): boolean {
    const v = this.s.vcpus[i];
    return v.halted || this.waitingForPage(i) >= 0;
  }

  nextWakeNs(i: number): number {
    const v = this.s.vcpus[i];
    if (v.waitingFor !== undefined && v.waitingFor >= 0) return this.s.notPresent.has(v.waitingFor) ? v.localNs + 1_000_000 : v.localNs;
    return v.halted ? this.nextTickNs(v) : v.localNs;
  }

  setNotPresentHandler(h: NotPresentHandler | undefined): void { this.handler = h; }

  waitingForPage(i: number): number {
    const w = this.s.vcpus[i]?.waitingFor ?? -1;
    return w >= 0 && this.s.notPresent.has(w) ? w : -1;
  }

  override markNotPresent(gpfn: number): void {
    super.markNotPresent(gpfn);
    this.s.pageTick.delete(gpfn);
  }

  counters(): Record<string, number> {
    let instructions = 0;
    let cycles = 0;
    for (const v of this.s.vcpus) { instructions += v.instructions; cycles += v.cycles; }
    return { ...this.s.counters, instructions, cycles, droppedTicks: this.s.droppedTicks };
  }

  memoryStats(): { configuredBytes: number; touchedBytes: number; activeBytes: number } {
    const nowTick = this.s.vcpus[0].ticksDelivered;
    let active = 0;
    for (const t of this.s.pageTick.values()) if (t >= nowTick - 100) active++;
    return { configuredBytes: 0, touchedBytes: this.s.pages.size * 4096, activeBytes: (active + KERNEL_PAGES / 4) * 4096 };
  }

  guestClockNs(): number { return this.s.vcpus[0].ticksDelivered * this.tickNs; }

  consoleRead(fromOffset: number): { text: string; nextOffset: number } {
    return { text: this.s.console.slice(fromOffset), nextOffset: this.s.console.length };
  }

  consoleInput(text: string): void { this.s.console += text; }

  requestGuestShutdown(): boolean {
    if (this.s.state !== 'running') return false;
    this.s.shutdownAt = this.s.vcpus[0].instructions + 50_000;
    this.s.vcpus[0].workLeft += 60_000;
    return true;
  }

  requestGuestReboot(): boolean {
    if (this.s.state !== 'running') return false;
    for (const v of this.s.vcpus) { v.instructions = 0; v.writes = 0; v.ios = 0; v.workLeft = this.s.params.handlerCycles; v.halted = false; }
    this.s.pages = new Map([...this.s.pages].filter(([k]) => k < KERNEL_PAGES));
    this.s.console += 'labos: restarting\n';
    return true;
  }

  save(): unknown { return cloneState(this.s); }

  /** The state without its pages (they move through an incoming memory). */
  saveCore(): unknown {
    const c = cloneState(this.s);
    c.pages = new Map();
    c.bytes = new Map();
    c.notPresent = new Set();
    c.pageTick = new Map();
    return c;
  }

  dispose(): void {
    this.s.pages.clear();
    this.s.bytes.clear();
    this.s.notPresent.clear();
    this.notPresentChanges++;
    this.s.pageTick.clear();
  }

  digest(notPresentPage?: (gpfn: number) => Uint8Array | undefined): string {
    let h1 = 0x811c9dc5;
    let h2 = 0x01000193;
    const mix = (n: number) => {
      const x = Math.floor(n) >>> 0;
      const y = Math.floor(n / 4294967296) >>> 0;
      h1 = Math.imul(h1 ^ x, 0x01000193) >>> 0;
      h1 = Math.imul(h1 ^ y, 0x01000193) >>> 0;
      h2 = Math.imul(h2 ^ x ^ (h1 >>> 7), 0x5bd1e995) >>> 0;
    };
    for (const v of this.s.vcpus) { mix(v.localNs); mix(v.ticksSeen); mix(v.ticksDelivered); mix(v.workLeft); mix(v.instructions); mix(v.writes); mix(v.ios); mix(v.halted ? 1 : 0); }
    // a not-present page whose contents the caller holds hashes as those contents would if present
    const held = new Map<number, { value?: number; bytes?: Uint8Array }>();
    for (const k of this.s.notPresent) {
      const b = notPresentPage?.(k);
      if (b) held.set(k, canonical(b));
    }
    for (const k of [...this.s.pages.keys(), ...held.keys()].sort((a, b) => a - b)) {
      const c = held.get(k);
      if (c && c.value === undefined && !c.bytes) continue; // zero: as untouched
      mix(k); mix(c ? c.value ?? 0 : this.s.pages.get(k)!);
      const b = c ? c.bytes : this.s.bytes.get(k);
      if (b) for (let w = 0; w < PAGE / 4; w++) mix(wordOf(b, w));
    }
    for (const k of [...this.s.notPresent].sort((a, b) => a - b)) if (!held.has(k)) { mix(k); mix(-1); }
    return h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0');
  }

  private nextTickNs(v: VcpuState): number {
    const k = Math.floor((v.localNs - this.s.bootNs) / this.tickNs) + 1;
    return this.s.bootNs + k * this.tickNs;
  }

  private deliverTicks(i: number, v: VcpuState): void {
    const due = Math.floor((v.localNs - this.s.bootNs) / this.tickNs);
    let backlog = due - v.ticksSeen;
    if (backlog <= 0) return;
    v.ticksSeen = due;
    const p = this.s.params;
    if (backlog > p.giveUpTicks) {
      // Give up: the backlog is discarded (the guest never counts those ticks; its clock stays behind).
      if (i === 0) this.s.droppedTicks += backlog - 1;
      backlog = 1;
    }
    v.ticksDelivered += backlog;
    v.workLeft += backlog * (p.handlerCycles + Math.round(p.duty * this.clockHz / p.tickHz));
    this.s.counters.timerInterrupts = (this.s.counters.timerInterrupts ?? 0) + backlog;
  }

  /** Working-set page of vCPU i's w-th write. */
  private wsPage(i: number, w: number): number {
    return (KERNEL_PAGES + i * this.s.params.workingSetPages + (w % this.s.params.workingSetPages)) % this.s.pageCount;
  }

  /**
   * A write to a not-present page faults: the handler supplies it (true; `stall` gets the charged
   * cycles) or the vCPU waits for it (false).
   */
  private fault(i: number, v: VcpuState, page: number, stall: { cycles: number }): boolean {
    const s = this.s;
    s.counters['notPresent.faults'] = (s.counters['notPresent.faults'] ?? 0) + 1;
    const d = this.handler ? this.handler({ gpfn: page, vcpu: i, access: 'write', canWait: true }) : { kind: 'wait' as const };
    if (d.kind === 'supply') {
      this.put(page, d.bytes);
      stall.cycles += Math.ceil((d.stallNs ?? 0) / this.nsPerCycle);
      s.counters['notPresent.supplied'] = (s.counters['notPresent.supplied'] ?? 0) + 1;
      return true;
    }
    s.counters['notPresent.waits'] = (s.counters['notPresent.waits'] ?? 0) + 1;
    v.waitingFor = page;
    v.waitSinceNs = v.localNs;
    return false;
  }

  /** Per vCPU: the not-present pages of its working set, and `notPresentChanges` when they were listed. */
  private readonly wsNotPresent: { at: number; pages: number[] }[] = [];

  /**
   * The pages of vCPU i's working set that are not present (any order). Listed again only after the
   * not-present set changed: most runs of a vCPU meet none of the (≈100, activity-sampled) pages out, and
   * then nothing needs checking at all.
   */
  private notPresentInWorkingSet(i: number): number[] {
    const c = this.wsNotPresent[i];
    if (c && c.at === this.notPresentChanges) return c.pages;
    const s = this.s;
    const ws = s.params.workingSetPages;
    const base = KERNEL_PAGES + i * ws;
    const n = s.pageCount;
    const pages: number[] = [];
    // vCPU i's working set is {(base + j) mod n : j < ws} (wsPage)
    for (const page of s.notPresent) if ((((page - base) % n) + n) % n < ws) pages.push(page);
    this.wsNotPresent[i] = { at: this.notPresentChanges, pages };
    return pages;
  }

  /**
   * The writes k = 1..n after write `writes` of vCPU i that first meet a not-present page, as pairs
   * [k, page] in k order — the ones the write-by-write check would fault on (a supplied page is present
   * for its later writes; pages only leave the not-present set while the writes run) — found from the
   * not-present pages instead of from every write; undefined when the working set wraps around memory
   * (the caller checks write by write).
   */
  private firstWritesOfNotPresent(i: number, writes: number, n: number): number[] | undefined {
    const ws = this.s.params.workingSetPages;
    const base = KERNEL_PAGES + i * ws;
    if (base + ws > this.s.pageCount) return undefined;
    const found: [number, number][] = [];
    for (const page of this.notPresentInWorkingSet(i)) {
      const idx = page - base;
      if (idx < 0 || idx >= ws) continue;
      const k = ((((idx - writes - 1) % ws) + ws) % ws) + 1; // the least k ≥ 1 with (writes + k) mod ws = idx
      if (k <= n) found.push([k, page]);
    }
    found.sort((a, b) => a[0] - b[0]);
    return found.flat();
  }

  /** Stall cycles the faults of the current `execute` charged. */
  private readonly stall = { cycles: 0 };

  /** Runs up to `cycles` (less when a write must wait for a page: it stops just before it); returns the cycles run. */
  private execute(i: number, v: VcpuState, cycles: number): number {
    const s = this.s;
    const p = s.params;
    const before = v.instructions;
    const stall = this.stall; // reused: a fresh object per run was the double's largest allocation
    stall.cycles = 0;
    // writes can only fault on the working set's own not-present pages: none there, nothing to check
    if (p.writeEvery > 0 && s.notPresent.size > 0 && this.notPresentInWorkingSet(i).length > 0) {
      const first = Math.floor(before / p.writeEvery);
      const n = Math.floor((before + cycles) / p.writeEvery) - first;
      const hits = n > s.notPresent.size ? this.firstWritesOfNotPresent(i, v.writes, n) : undefined;
      if (hits) {
        for (let h = 0; h < hits.length; h += 2) {
          if (!this.fault(i, v, hits[h + 1], stall)) {
            cycles = (first + hits[h]) * p.writeEvery - 1 - before;
            break;
          }
        }
      } else {
        for (let k = 1; k <= n; k++) {
          const page = this.wsPage(i, v.writes + k);
          if (s.notPresent.has(page) && !this.fault(i, v, page, stall)) {
            cycles = (first + k) * p.writeEvery - 1 - before;
            break;
          }
        }
      }
    }
    v.instructions += cycles;
    v.cycles += cycles + stall.cycles;
    v.localNs += (cycles + stall.cycles) * this.nsPerCycle;
    if (p.writeEvery > 0) {
      const n = Math.floor(v.instructions / p.writeEvery) - Math.floor(before / p.writeEvery);
      const mapped = s.pages.size; // the loop only adds or overwrites: it grew iff a page gained a frame
      const shaped = s.bytes.size !== 0; // pages written through the seam lose their bytes when the workload writes them
      const tick = s.vcpus[0].ticksDelivered;
      for (let k = 0; k < n; k++) {
        v.writes++;
        const page = this.wsPage(i, v.writes);
        if (shaped) s.bytes.delete(page);
        s.pages.set(page, (v.writes * 2654435761) >>> 0 || 1);
        s.pageTick.set(page, tick);
      }
      if (n > 0) s.counters.pageWrites = (s.counters.pageWrites ?? 0) + n;
      if (s.pages.size !== mapped) this.gained++;
    }
    if (p.ioEvery > 0 && this.disk) {
      const n = Math.floor(v.instructions / p.ioEvery) - Math.floor(before / p.ioEvery);
      for (let k = 0; k < n; k++) {
        v.ios++;
        const blk = (i * 257 + v.ios) % Math.min(this.disk.blockCount, 256);
        this.disk.read(blk, this.block);
        this.block[0] = (this.block[0] + 1) & 255;
        this.block[1] = v.ios & 255;
        this.disk.write(blk, this.block);
        s.counters['disk.reads'] = (s.counters['disk.reads'] ?? 0) + 1;
        s.counters['disk.writes'] = (s.counters['disk.writes'] ?? 0) + 1;
        s.counters['disk.readBytes'] = (s.counters['disk.readBytes'] ?? 0) + 4096;
        s.counters['disk.writeBytes'] = (s.counters['disk.writeBytes'] ?? 0) + 4096;
      }
    }
    return cycles + stall.cycles;
  }
}

function cloneState(s: FakeState): FakeState {
  return {
    ...s, params: { ...s.params }, vcpus: s.vcpus.map((v) => ({ ...v })), pages: new Map(s.pages), bytes: new Map(s.bytes ?? []),
    notPresent: new Set(s.notPresent ?? []), pageTick: new Map(s.pageTick), counters: { ...s.counters }, crash: s.crash ? { ...s.crash } : undefined,
  };
}

/**
 * The factory the engine receives in tests: boots a FakeGuest, restores one from `save()` output, or
 * assembles one from `saveCore()` output and a FakeIncomingMemory (`incomingMemory`).
 */
export const fakeGuestFactory: GuestFactory = (config, hostClockHz) => {
  const incoming = config.incoming;
  if (incoming && config.restoreState !== undefined) {
    if (!(incoming instanceof FakeIncomingMemory)) throw new RangeError('incoming memory from another guest factory');
    const st = cloneState(config.restoreState as FakeState);
    st.pages = new Map(incoming.store.pages);
    st.bytes = new Map(incoming.store.bytes);
    st.notPresent = new Set(incoming.store.notPresent);
    incoming.release();
    return new FakeGuest(config, hostClockHz, st);
  }
  return new FakeGuest(config, hostClockHz, config.restoreState as FakeState | undefined);
};
fakeGuestFactory.incomingMemory = (config) => new FakeIncomingMemory(Math.max(1, Math.floor(config.memoryBytes / PAGE)));

/** This module as a host worker's guest factory (`HostWorkerGuests` of node/workers): a worker loads it by URL. */
export const FAKE_GUEST_MODULE = { kind: 'module', url: import.meta.url, name: 'fakeGuestFactory' } as const;
