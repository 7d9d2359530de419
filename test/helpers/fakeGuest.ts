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
 *
 * Workloads: cpu (duty 1), idle (duty 0), memwrite, io, anything else (duty 0.5). workloadParams
 * override: duty, tickHz, handlerCycles, writeEvery, workingSetPages, ioEvery, crashAtMs, giveUpTicks,
 * instrCycles (> 1: runs stop only at instruction boundaries and may overshoot a budget slightly).
 * Never shipped in src-main: the engine's factory port receives it in tests and benchmarks only.
 */
import type { GuestMachine, GuestMachineState, VcpuRunResult, GuestCrash } from '../../src-main/engine/vm/guestMachine';
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
  vcpus: VcpuState[];
  pages: Map<number, number>;
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

export class FakeGuest implements GuestMachine {
  readonly vcpuCount: number;
  readonly clockHz: number;
  private s: FakeState;
  private readonly nsPerCycle: number;
  private readonly tickNs: number;
  private readonly disk: BlockStore | undefined;
  private readonly block = new Uint8Array(4096);

  constructor(config: GuestConfig, clockHz: number, state?: FakeState) {
    this.clockHz = clockHz;
    this.nsPerCycle = 1e9 / clockHz;
    this.disk = config.disk;
    if (state) {
      this.s = cloneState(state);
    } else {
      const params = paramsFor(config);
      this.s = {
        kind: 'fakeGuest/1', params, bootNs: config.nowNs, pages: new Map(), pageTick: new Map(), counters: {},
        vcpus: [], state: 'running', shutdownAt: -1, console: `labos (fake) booting ${config.name} with ${config.vcpus} vCPU(s)\n`,
        droppedTicks: 0,
      };
      for (let i = 0; i < config.vcpus; i++) {
        this.s.vcpus.push({ localNs: config.nowNs, ticksSeen: 0, ticksDelivered: 0, workLeft: params.handlerCycles, halted: false, instructions: 0, cycles: 0, writes: 0, ios: 0 });
      }
      for (let pg = 0; pg < KERNEL_PAGES; pg++) this.s.pages.set(1_000_000 + pg, pg);
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
      this.execute(i, v, chunk);
      if (!busyForever) v.workLeft -= chunk;
      used += chunk;
    }
    res.cyclesUsed = used;
    res.instructions = Math.round(used / p.instrCycles);
    return res;
  }

  isHalted(i: number): boolean { return this.s.vcpus[i].halted; }

  nextWakeNs(i: number): number {
    const v = this.s.vcpus[i];
    return v.halted ? this.nextTickNs(v) : v.localNs;
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
    this.s.pages = new Map([...this.s.pages].filter(([k]) => k >= 1_000_000));
    this.s.console += 'labos: restarting\n';
    return true;
  }

  save(): unknown { return cloneState(this.s); }

  digest(): string {
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
    for (const k of [...this.s.pages.keys()].sort((a, b) => a - b)) { mix(k); mix(this.s.pages.get(k)!); }
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

  private execute(i: number, v: VcpuState, cycles: number): void {
    const s = this.s;
    const p = s.params;
    const before = v.instructions;
    v.instructions += cycles;
    v.cycles += cycles;
    v.localNs += cycles * this.nsPerCycle;
    if (p.writeEvery > 0) {
      const n = Math.floor(v.instructions / p.writeEvery) - Math.floor(before / p.writeEvery);
      for (let k = 0; k < n; k++) {
        v.writes++;
        const page = i * 100_000 + (v.writes % p.workingSetPages);
        s.pages.set(page, (v.writes * 2654435761) >>> 0);
        s.pageTick.set(page, s.vcpus[0].ticksDelivered);
        s.counters.pageWrites = (s.counters.pageWrites ?? 0) + 1;
      }
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
  }
}

function cloneState(s: FakeState): FakeState {
  return {
    ...s, params: { ...s.params }, vcpus: s.vcpus.map((v) => ({ ...v })), pages: new Map(s.pages),
    pageTick: new Map(s.pageTick), counters: { ...s.counters }, crash: s.crash ? { ...s.crash } : undefined,
  };
}

/** The factory the engine receives in tests: boots a FakeGuest, or restores one from `save()` output. */
export const fakeGuestFactory: GuestFactory = (config, hostClockHz) =>
  new FakeGuest(config, hostClockHz, config.restoreState as FakeState | undefined);
