/**
 * vim25 benchmark: pyvmomi listing 1,000 VMs with `config`, `runtime` and `summary` through a container
 * view (bench/vim25_list_vms.py), against the lab's endpoint and against VMware's govmomi simulator with
 * the same inventory (one datacenter, one cluster of 4 hosts, 1,000 powered-off VMs), side by side in one
 * run, alternating rounds so both see the same machine load.
 *
 * Run: `npx tsx bench/vim25-list-vms.ts [--vms 1000] [--rounds 5]`. Prints one JSON object: per peer the
 * median, min and max seconds of a full listing, and the lab ÷ simulator ratio. Needs /usr/bin/python3
 * with python3-pyvmomi; the simulator half needs golang-go + golang-github-vmware-govmomi-dev (reported
 * as skipped otherwise).
 */
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runPython, simulatorBinary, startLab, startSimulator } from '../test/vim25/helpers/peers';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const VMS = arg('vms', 1000);
const ROUNDS = arg('rounds', 5);
const HOSTS = 4;

function writeScenario(): { dir: string; name: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hvlab-vim25-bench-'));
  mkdirSync(join(dir, 'scenarios'));
  const guests = join(ROOT, 'resources', 'guests');
  if (existsSync(guests)) symlinkSync(guests, join(dir, 'guests'));
  const name = `vim25-bench-${VMS}`;
  writeFileSync(join(dir, 'scenarios', `${name}.yaml`), [
    'version: 1', `name: ${name}`, `title: vim25 benchmark (${VMS} VMs)`, 'description: Inventory-only lab for the vim25 listing benchmark.',
    'datacenters:', '  - name: DC0', '    clusters:', '      - name: DC0_C0', '        hosts:', `          count: ${HOSTS}`,
    '          sockets: 2', '          coresPerSocket: 8', '          cpuMhz: 2400', '          memoryGiB: 512',
    '        vmsPerHost:', `          count: ${Math.ceil(VMS / HOSTS)}`, '          vcpus: 1', '          memoryMiB: 64', '',
  ].join('\n'));
  return { dir, name };
}

function stats(xs: number[]): { median: number; min: number; max: number; rounds: number } {
  const s = [...xs].sort((a, b) => a - b);
  const r = (n: number) => Math.round(n * 1000) / 1000;
  return { median: r(s[Math.floor(s.length / 2)]), min: r(s[0]), max: r(s[s.length - 1]), rounds: s.length };
}

async function listing(port: number, password: string): Promise<{ vms: number; seconds: number[] }> {
  const r = await runPython(join(ROOT, 'bench', 'vim25_list_vms.py'), ['127.0.0.1', 'root', password, String(port), '1'], 600_000);
  if (r.code !== 0) throw new Error(`listing failed: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return JSON.parse(r.stdout) as { vms: number; seconds: number[] };
}

async function main(): Promise<void> {
  const scenario = writeScenario();
  process.env.HVLAB_RESOURCES = scenario.dir;
  const lab = await startLab({ scenario: scenario.name, paused: true });
  const bin = simulatorBinary();
  const sim = bin.path ? await startSimulator(bin.path, ['-model', 'vpx', '-hosts', String(HOSTS), '-vms', String(VMS)]) : undefined;
  const labTimes: number[] = [];
  const simTimes: number[] = [];
  let counts = { lab: 0, simulator: 0 };
  try {
    for (let i = 0; i < ROUNDS; i++) {
      const l = await listing(lab.endpoint.port, lab.endpoint.password!);
      labTimes.push(l.seconds[0]);
      counts.lab = l.vms;
      if (sim) {
        const s = await listing(sim.port, 'any');
        simTimes.push(s.seconds[0]);
        counts = { ...counts, simulator: s.vms };
      }
    }
  } finally {
    await lab.close();
    await sim?.close();
    rmSync(scenario.dir, { recursive: true, force: true });
  }
  const labStats = stats(labTimes);
  const simStats = sim ? stats(simTimes) : undefined;
  console.log(JSON.stringify({
    benchmark: 'pyvmomi lists every VM (config, runtime, summary) through a container view',
    vms: counts, hosts: HOSTS,
    lab: labStats,
    simulator: simStats ?? { skipped: bin.skip },
    labOverSimulator: simStats ? Math.round((labStats.median / simStats.median) * 100) / 100 : null,
    note: 'seconds of one full listing (RetrievePropertiesEx + ContinueRetrievePropertiesEx), client-side wall time; rounds alternate lab and simulator',
  }, null, 2));
}

await main();
