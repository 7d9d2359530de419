/**
 * Change-feed benchmark: what publishing the inventory's property-level changes costs the engine in the
 * 2,000-VM lab — per step with nothing marked (every request and every advance pays it), per step with
 * one VM marked (an operation), and per 20 s sample, when every entity is diffed (the sweep).
 *
 * Run: `npx tsx bench/change-feed.ts [--scenario lab-scale-2000 | --running N] [--repeat 50]`. Prints one
 * JSON object. `--running N` builds a lab of N powered-on one-vCPU VMs, 8 per host (as
 * bench/datacenter-realtime.ts does), where every sweep diffs every VM.
 * The fakeGuest test double stands in for guests (the feed reads inventory state only; guest execution
 * does not change its cost). Times are wall-clock medians of `--repeat` publishes, in ms.
 */
import { Lab } from '../src-main/engine/lab/lab';
import { ChangeFeed } from '../src-main/engine/api/changeFeed';
import type { Scenario } from '../src-main/engine/index';
import { validateScenario } from '../src-main/engine/index';
import type { EngineEvent } from '../src-shared/api/events';
import { loadScenarioSources } from '../src-main/node/resources';
import { fakeGuestFactory } from '../test/helpers/fakeGuest';

const flag = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const RUNNING = Number(flag('running', '0'));
const SCENARIO = RUNNING ? `running-${RUNNING}` : flag('scenario', 'lab-scale-2000');
const REPEAT = Number(flag('repeat', '50'));

function runningLab(vms: number): unknown {
  const hosts = Math.ceil(vms / 8);
  return {
    version: 1, name: SCENARIO, title: SCENARIO,
    datacenters: [{
      name: 'DC0',
      clusters: [{ name: 'DC0_C0', hosts: { count: hosts, sockets: 1, coresPerSocket: 8, cpuMhz: 100, memoryGiB: 64 } }],
      vms: Array.from({ length: vms }, (_, i) => ({ name: `vm${i}`, host: `DC0_C0_H${Math.floor(i / 8)}`, vcpus: 1, memoryMiB: 64, workload: 'idle', powerOn: true })),
    }],
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.floor(s.length / 2)] * 1000) / 1000;
};

const source = RUNNING ? { file: SCENARIO, content: runningLab(RUNNING) } : loadScenarioSources()[SCENARIO];
if (!source) throw new Error(`no scenario ${SCENARIO}`);
const checked = validateScenario(source);
if ('error' in checked) throw new Error(checked.error.message);
let updates = 0;
const emit = (e: EngineEvent) => { if (e.type === 'inventory.changed') updates += e.updates.length; };
const lab = new Lab(checked.scenario as Scenario, 1, emit, { guestFactory: fakeGuestFactory });
const feed = new ChangeFeed(lab, emit);
lab.advance(1_000);
feed.publish(lab.takeChanges());
const vmIds = [...lab.reg.vms.keys()];
const running = [...lab.reg.vms.values()].filter((v) => v.powerState === 'poweredOn').length;

const time = (act: () => void): number => { const t0 = performance.now(); act(); return performance.now() - t0; };
const idle: number[] = [];
const oneVm: number[] = [];
const sweep: number[] = [];
const sweepUpdates: number[] = [];
for (let i = 0; i < REPEAT; i++) {
  lab.advance(10); // inside one sample period: nothing swept
  lab.takeChanges();
  idle.push(time(() => feed.publish([])));
  const vm = lab.reg.vms.get(vmIds[i % vmIds.length])!;
  vm.name = `${vm.name.replace(/~\d+$/, '')}~${i}`; // a rename, as vm.rename does it
  lab.markChanged(vm.id);
  oneVm.push(time(() => feed.publish(lab.takeChanges())));
  lab.advance(20_000 - (lab.clock.nowMs % 20_000)); // to the next sample: the next publish sweeps
  lab.takeChanges();
  const before = updates;
  sweep.push(time(() => feed.publish([])));
  sweepUpdates.push(updates - before);
}

console.log(JSON.stringify({
  benchmark: 'change-feed', scenario: SCENARIO, vms: vmIds.length, runningVms: running, hosts: lab.reg.hosts.size,
  guest: 'fakeGuest test double (the feed reads inventory state only)', repeat: REPEAT,
  publishNothingMarkedMs: median(idle), publishOneVmMarkedMs: median(oneVm),
  publishSweepMs: median(sweep), sweepEntityUpdates: median(sweepUpdates),
}, null, 2));
