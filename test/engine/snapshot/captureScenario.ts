// The captures lab's run (capturesOnOwner.test.ts): fakeGuest VMs on three hosts (H0 too small for its
// three, so its reclamation holds pages away at capture), memory snapshots reverted on the same host and
// after a live migration to another, suspends resumed on the same host and (registered elsewhere, as a
// placement plan's move does) on another, a snapshot of a suspended VM (one capture, two holders), the lab
// saved and restored with captures held, then every snapshot deleted (one, all, with its VM). Returns the
// state digest after each step and the saved lab's canonical bytes; `check` runs after each step.
// Only the lab's public calls: the same run on main pinned the figures.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { API_VERSION } from '../../../src-shared/api/channels';
import type { HostId, VmId } from '../../../src-shared/model/ids';
import { Lab, digestInput, type LabState } from '../../../src-main/engine/lab/index';
import { dispatch } from '../../../src-main/engine/api/dispatcher';
import type { HostPartTransport } from '../../../src-main/engine/vm/index';
import { fakeGuestFactory } from '../../helpers/fakeGuest';
import { canonicalBytes } from '../../helpers/canonicalBytes';
import { threeHostScenario, type WorkloadMix } from '../../helpers/threeHostScenario';

const MIX: WorkloadMix[] = [
  { workload: 'memwrite', workloadParams: { wss_kib: 1024, rate_pps: 500, passes: 0, workingSetPages: 3000 } },
  { workload: 'cpu' },
  { workload: 'io', workloadParams: { rounds: 1000000 } },
  { workload: 'idle' },
];

export const CAPTURES_SCENARIO = threeHostScenario('captures', MIX);

export interface CaptureRun { digests: string[]; saved: string }

/** Each step's name (the digests' order). */
export const CAPTURE_STEPS = [
  'taken', 'same host', 'after a migration', 'suspended elsewhere', 'saved', 'restored', 'after restore', 'deleted',
] as const;

type Step = (typeof CAPTURE_STEPS)[number];

export interface CaptureHooks {
  /** The lab's options (a host part transport). */
  transport?: HostPartTransport;
  /** A new lab (the first and the restored one): wrap its owners here. */
  opened?: (lab: Lab) => void;
  /** After each step. */
  check?: (lab: Lab, step: Step) => void;
}

const sha = (x: string): string => createHash('sha256').update(x).digest('hex').slice(0, 16);

export function runCaptures(hooks: CaptureHooks = {}): CaptureRun {
  const options = { guestFactory: fakeGuestFactory, commands: dispatch, ...(hooks.transport ? { hostPartTransport: hooks.transport } : {}) };
  let lab = new Lab(CAPTURES_SCENARIO as never, 1, () => {}, options);
  hooks.opened?.(lab);
  const vm = (n: string): VmId => lab.reg.vmByName(n)!.id;
  const host = (n: string): HostId => lab.reg.hostByName(n)!.id as HostId;
  const command = (name: string, params: object): unknown => {
    const r = dispatch(lab, { v: API_VERSION, id: 1, kind: 'command', name, params } as never, 'test');
    assert.ok(r.ok, `${name}: ${JSON.stringify(r)}`);
    return (r as { result?: unknown }).result;
  };
  /** Runs the VM's command to its end (100 ms steps). */
  const onVm = (name: string, n: string, params: object = {}): void => {
    command(name, { vmId: vm(n), ...params });
    for (let i = 0; i < 200 && lab.reg.vmByName(n)?.busyTaskId; i++) lab.advance(100);
    assert.equal(lab.reg.vmByName(n)?.busyTaskId, undefined, `${name} on ${n} ended`);
  };
  const snapshot = (n: string, name: string, memory: boolean): void => onVm('vm.snapshot.create', n, { name, memory });
  const snapshotId = (n: string, name: string): string => lab.runtimes.get(vm(n))!.snapshots.byName(name)!.id;
  const revert = (n: string, name: string): void => onVm('vm.snapshot.revert', n, { snapshotId: snapshotId(n, name) });
  const digests: string[] = [];
  const step = (s: Step): void => {
    digests.push(sha(JSON.stringify(digestInput(lab))));
    hooks.check?.(lab, s);
  };
  lab.advance(1000);
  snapshot('vm0', 's0', true); // on H0: pages away at capture
  snapshot('vm4', 's4', true);
  onVm('vm.suspend', 'vm3');
  lab.advance(1500);
  step('taken');
  revert('vm0', 's0');
  onVm('vm.powerOn', 'vm3');
  lab.advance(1500);
  step('same host');
  command('vm.migrate', { vmId: vm('vm4'), hostId: host('H2'), options: { bandwidthBytesPerS: 64 << 20 } });
  for (let i = 0; i < 60 && lab.reg.vmByName('vm4')!.busyTaskId; i++) lab.advance(500);
  assert.equal(lab.reg.vmByName('vm4')!.hostId, host('H2'), 'vm4 moved to H2');
  revert('vm4', 's4'); // its image is H1's
  lab.advance(1500);
  step('after a migration');
  onVm('vm.suspend', 'vm5');
  lab.advance(1000);
  snapshot('vm5', 's5', false); // the suspended state, held by the snapshot too
  lab.advance(1000);
  lab.reg.vmByName('vm5')!.hostId = host('H2'); // registered on H2, as a placement plan's move does
  onVm('vm.powerOn', 'vm5'); // resumed on H2 from H1's image
  lab.advance(1500);
  revert('vm5', 's5'); // suspended again
  lab.advance(1000);
  onVm('vm.powerOn', 'vm5');
  lab.advance(1500);
  step('suspended elsewhere');
  onVm('vm.suspend', 'vm6');
  snapshot('vm7', 's7', true);
  lab.advance(1500);
  step('saved');
  const state: LabState = lab.save();
  const saved = canonicalBytes(state);
  lab = Lab.restore(state, () => {}, options);
  hooks.opened?.(lab);
  step('restored');
  revert('vm0', 's0');
  onVm('vm.powerOn', 'vm6');
  revert('vm7', 's7');
  lab.advance(1500);
  step('after restore');
  onVm('vm.snapshot.remove', 'vm0', { snapshotId: snapshotId('vm0', 's0') });
  onVm('vm.snapshot.removeAll', 'vm4');
  onVm('vm.snapshot.remove', 'vm5', { snapshotId: snapshotId('vm5', 's5'), removeChildren: true });
  onVm('vm.powerOff', 'vm7');
  command('vm.remove', { vmId: vm('vm7') });
  for (let i = 0; i < 200 && lab.reg.vmByName('vm7'); i++) lab.advance(100);
  lab.advance(1000);
  assert.equal(lab.reg.vmByName('vm7'), undefined, 'vm7 is deleted with its snapshot');
  step('deleted');
  return { digests, saved };
}
