/**
 * disk-transfer-ab — the disk device's own cost per command on two engine trees side by side in ONE process:
 * what a change to the device's transfer (`devices/disk/device.ts`) saves, where the whole `io` VM's A/B
 * (bench/busy-mix-ab.ts) cannot show a part of a few per cent at the machine's load.
 *
 * Run (from this tree): `node --import tsx bench/disk-transfer-ab.ts --base DIR [--pairs 20] [--commands 20000]
 * [--sectors 8]`. DIR is another checkout of the engine (an export of the commit to compare against, with
 * node_modules beside it). Each tree gets one `DiskDevice` on its own `BlockMap`, with a DMA memory of plain
 * bytes (a copy each way, like the machine's page-at-a-time DMA of an unwatched page) — the same commands as
 * labos's `io` workload issues them: `--sectors` sectors written from memory, then read back, each command
 * programmed through the registers (SECTOR, ADDR, COUNT, CMD), completed by `update`, acknowledged (ACK) and
 * its status read, as the guest's driver does. A measurement is `--commands` commands; the trees alternate
 * (base first in even pairs). Prints one JSON object: each tree's median µs of process CPU (user + system)
 * per command and the median of the per-pair ratios (this tree / base) with how many pairs were lower.
 * Rules: the device is the only thing measured (no guest, no bus); V8's helper threads (GC) are in the
 * process's CPU time, so what an allocation per command costs them is counted.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { alternatingPairs, median, pairRatios } from './abPairs';

const opt = (name: string, def: string): string => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : def; };
const BASE = opt('base', '');
if (!BASE) { console.error('usage: bench/disk-transfer-ab.ts --base DIR [--pairs N] [--commands N] [--sectors N]'); process.exit(2); }
const HERE = resolve(import.meta.dirname, '..');
/** The measurement's sizes: pairs of measurements, commands per measurement, sectors per command. */
const [PAIRS, COMMANDS, SECTORS] = ([['pairs', 20], ['commands', 20000], ['sectors', 8]] as const).map(([name, def]) => Number(opt(name, String(def))));
const MEMORY_BYTES = 1 << 20;

interface Disk { write(offset: number, value: number, ctx: { cpu: number; nowNs: number }): void; read(offset: number, ctx: { cpu: number; nowNs: number }): number; update(nowNs: number): void }
type Run = () => void;

async function diskOf(root: string): Promise<Run> {
  const url = (p: string): string => pathToFileURL(resolve(root, p)).href;
  const dev = await import(url('src-main/engine/devices/index.ts'));
  const bytes = new Uint8Array(MEMORY_BYTES);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 13 + 1) & 255;
  const dma = {
    sizeBytes: MEMORY_BYTES,
    read(gpa: number, out: Uint8Array): boolean { out.set(bytes.subarray(gpa, gpa + out.length)); return true; },
    write(gpa: number, data: Uint8Array): boolean { bytes.set(data, gpa); return true; },
  };
  const irq = { level: false, raise(): void { this.level = true; }, lower(): void { this.level = false; } };
  const d: Disk = new dev.DiskDevice(new dev.BlockMap(64 << 20), dma, irq, dev.DEFAULT_DEVICE_TIMING);
  const ctx = { cpu: 0, nowNs: 0 };
  let sector = 0;
  const command = (cmd: number, addr: number): void => {
    d.write(dev.DISK_SECTOR, sector, ctx);
    d.write(dev.DISK_ADDR, addr, ctx);
    d.write(dev.DISK_COUNT, SECTORS, ctx);
    d.write(dev.DISK_CMD, cmd, ctx);
    ctx.nowNs += 1e9;
    d.update(ctx.nowNs);
    if (d.read(dev.DISK_STATUS, ctx) !== dev.DISK_STATUS_DONE) throw new Error('the command did not complete');
    d.write(dev.DISK_ACK, 0, ctx);
  };
  return () => {
    for (let i = 0; i < COMMANDS; i += 2) {
      command(dev.DISK_CMD_WRITE, 0x10000); // memory → disk
      command(dev.DISK_CMD_READ, 0x20000); // disk → memory
      sector = (sector + SECTORS) % 65536;
    }
  };
}

const base = await diskOf(resolve(BASE));
const here = await diskOf(HERE);
const measure = (run: Run): number => {
  const c0 = process.cpuUsage();
  run();
  const c = process.cpuUsage(c0);
  return ((c.user + c.system) / COMMANDS);
};
const us = alternatingPairs(PAIRS, (side) => measure(side === 'base' ? base : here));
const ratios = pairRatios(us);
const round = (v: number, d = 3): number => Math.round(v * 10 ** d) / 10 ** d;
const load = (() => { try { return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '); } catch { return null; } })();
console.log(JSON.stringify({
  benchmark: 'disk-transfer-ab', sectors: SECTORS, commandsPerMeasurement: COMMANDS, pairs: PAIRS, base: resolve(BASE), tree: HERE,
  baseCpuUsPerCommand: round(median(us.base)), treeCpuUsPerCommand: round(median(us.tree)),
  ratioMedian: round(median(ratios)), pairsLower: ratios.filter((r) => r < 1).length, loadAverageAtEnd: load,
}, null, 2));
