/**
 * vim25 benchmark: the lab's endpoint against VMware's govmomi simulator on what every SDK script does —
 * log in, read the inventory (one RetrievePropertiesEx of every managed entity's name and parent through
 * TraversalSpecs from the root folder), power one VM off and on (tasks waited for) — with the same
 * inventory (one datacenter, one cluster of 4 hosts, N VMs), the same pyvmomi script
 * (bench/vim25_operations.py, a fresh /usr/bin/python3 per round), rounds alternating lab and simulator
 * so both see the same machine load.
 *
 * The lab runs at 'max' speed: its power operations take virtual time (power on 1.5 s, off 1 s of lab
 * time, ±10 %), which at 1× would be waited for in wall time; at 'max' the figure is the endpoint's and
 * the engine's own cost. The simulator completes its tasks at once.
 *
 * Run: `npx tsx bench/vim25-operations.ts [--vms 100] [--rounds 7] [--lab-speed max|N]` (default max; at 1 the
 * engine is nearly idle while login and inventory are timed, and the power operations last their modelled time). Prints one JSON object: per peer and
 * step the median, min and max seconds, the lab ÷ simulator ratios of the medians, and the load average
 * before and after. Needs /usr/bin/python3 with python3-pyvmomi; the simulator half needs golang-go +
 * golang-github-vmware-govmomi-dev (reported as skipped otherwise).
 */
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runPython, simulatorBinary, startLab, startSimulator } from '../test/vim25/helpers/peers';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const VMS = arg('vms', 100);
/** `--lab-speed 1` measures login and inventory with the engine idle at 1× (power operations then last their modelled 1–1.5 s). */
const LAB_SPEED: number | 'max' = process.argv.includes('--lab-speed') ? (process.argv[process.argv.indexOf('--lab-speed') + 1] === 'max' ? 'max' : arg('lab-speed', 1)) : 'max';
const ROUNDS = arg('rounds', 7);
const HOSTS = 4;
const STEPS = ['login', 'inventory', 'powerOn', 'powerOff'] as const;
type Step = (typeof STEPS)[number];
type Round = Record<Step, number> & { objects: number; vm: string };

function writeScenario(): { dir: string; name: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hvlab-vim25-ops-bench-'));
  mkdirSync(join(dir, 'scenarios'));
  const guests = join(ROOT, 'resources', 'guests');
  if (existsSync(guests)) symlinkSync(guests, join(dir, 'guests'));
  const name = `vim25-ops-bench-${VMS}`;
  writeFileSync(join(dir, 'scenarios', `${name}.yaml`), [
    'version: 1', `name: ${name}`, `title: vim25 operations benchmark (${VMS} VMs)`, 'description: Inventory-only lab for the vim25 operations benchmark.',
    'datacenters:', '  - name: DC0', '    clusters:', '      - name: DC0_C0', '        hosts:', `          count: ${HOSTS}`,
    '          sockets: 2', '          coresPerSocket: 8', '          cpuMhz: 2400', '          memoryGiB: 512',
    '        vmsPerHost:', `          count: ${Math.ceil(VMS / HOSTS)}`, '          vcpus: 1', '          memoryMiB: 64', '',
  ].join('\n'));
  return { dir, name };
}

function stats(xs: number[]): { median: number; min: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const r = (n: number) => Math.round(n * 10000) / 10000;
  return { median: r(s[Math.floor(s.length / 2)]), min: r(s[0]), max: r(s[s.length - 1]) };
}

async function round(port: number, password: string): Promise<Round> {
  const r = await runPython(join(ROOT, 'bench', 'vim25_operations.py'), ['127.0.0.1', 'root', password, String(port)], 600_000);
  if (r.code !== 0) throw new Error(`round failed: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return JSON.parse(r.stdout) as Round;
}

type Summary = { steps: Record<Step, { median: number; min: number; max: number }>; objects?: number; vm?: string; rounds: number };
const summary = (rounds: Round[]): Summary => ({
  steps: Object.fromEntries(STEPS.map((s) => [s, stats(rounds.map((x) => x[s]))])) as Summary['steps'],
  objects: rounds[0]?.objects, vm: rounds[0]?.vm, rounds: rounds.length,
});

async function main(): Promise<void> {
  const scenario = writeScenario();
  process.env.HVLAB_RESOURCES = scenario.dir;
  const loadBefore = loadavg().map((x) => Math.round(x * 100) / 100);
  const lab = await startLab({ scenario: scenario.name, paused: false });
  await lab.link.request('sim.setSpeed', { speed: LAB_SPEED });
  const bin = simulatorBinary();
  const sim = bin.path ? await startSimulator(bin.path, ['-model', 'vpx', '-hosts', String(HOSTS), '-vms', String(VMS)]) : undefined;
  const labRounds: Round[] = [];
  const simRounds: Round[] = [];
  try {
    for (let i = 0; i < ROUNDS; i++) {
      labRounds.push(await round(lab.endpoint.port, lab.endpoint.password!));
      if (sim) simRounds.push(await round(sim.port, 'any'));
    }
  } finally {
    await lab.close();
    await sim?.close();
    rmSync(scenario.dir, { recursive: true, force: true });
  }
  const labStats = summary(labRounds);
  const simStats = sim ? summary(simRounds) : undefined;
  console.log(JSON.stringify({
    benchmark: 'pyvmomi: login, RetrievePropertiesEx of the inventory (TraversalSpecs from the root folder), PowerOn/PowerOff task pair',
    vmsRequested: VMS, hosts: HOSTS, labSpeed: LAB_SPEED,
    lab: labStats,
    simulator: simStats ?? { skipped: bin.skip },
    labOverSimulator: simStats ? Object.fromEntries(STEPS.map((s) => [s, Math.round((labStats.steps[s].median / simStats.steps[s].median) * 100) / 100])) : null,
    loadAverage: { before: loadBefore, after: loadavg().map((x) => Math.round(x * 100) / 100), cores: 2 },
    note: 'seconds, client-side wall time per step; the lab runs at labSpeed (its power operations take 1–1.5 s of lab time); rounds alternate lab and simulator',
  }, null, 2));
}

await main();
