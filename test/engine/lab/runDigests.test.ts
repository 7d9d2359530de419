// Speed work must not change results. Two labs of the datacenter benchmark's shape (bench/datacenter-realtime.ts:
// 8 one-vCPU VMs per 8-core host cycling cpu, memwrite, io and idle) run for a few virtual seconds, and the
// state digest (sha256 of `digestInput`: inventory, every guest's own digest with the pages the host took
// away, snapshot trees, disks, the whole counter history, tasks, events) at several virtual times must be
// the pinned one — one lab of fakeGuest doubles (the datacenter layer alone, memory reclamation included)
// and one of real labos guests under `bt`. A change that means to change results re-pins them: the
// failure prints every digest of the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine, type GuestFactory } from '../../../src-main/engine/index';
import { defaultGuestFactory } from '../../../src-main/node/guestFactories';
import { fakeGuestFactory } from '../../helpers/fakeGuest';
import { stateDigestsAt } from '../../helpers/stateDigests';
import { digestScenario as scenario } from '../../helpers/pinnedLabs';

/** The digests at each time; `final` = the last state's digest input as JSON (for checks on the run itself). */
function digests(vms: number, monitor: string, factory: GuestFactory, atMs: number[], hostMemoryGiB?: number): { got: string[]; final: string } {
  const engine = createEngine({ scenarios: { digests: { file: 'digests', content: scenario(vms, monitor, hostMemoryGiB) } }, guestFactory: factory }, { scenario: 'digests', seed: 1 });
  return stateDigestsAt(engine, atMs);
}

test('a 24-VM fakeGuest lab: the state digests at 5, 15, 25 and 35 virtual s are the pinned ones (an activity sample period ends at 30 s)', () => {
  const { got } = digests(24, 'interp', fakeGuestFactory, [5000, 15_000, 25_000, 35_000]);
  assert.deepEqual(got, [
    '5s 0a76af23117fa7ac',
    '15s f66a3a3d6ba3db0c',
    '25s 04329db696762fa7',
    '35s cead160fd3764d73',
  ], `the run's digests:\n${got.join('\n')}`);
});

test('an 8-VM fakeGuest lab on a host too small for it (hard and low): the state digests at 2, 4 and 6 virtual s are the pinned ones', () => {
  const { got, final } = digests(8, 'interp', fakeGuestFactory, [2000, 4000, 6000], 0.27);
  assert.match(final, /free memory state hard → low/, 'the host went through hard to low');
  assert.deepEqual(got, [
    '2s 0ca2fe90adb65809',
    '4s c1b12e6e5247710d',
    '6s 93e1f937045d234b',
  ], `the run's digests:\n${got.join('\n')}`);
});

test('an 8-VM lab of real labos guests under bt: the state digests at 2, 4 and 6 virtual s are the pinned ones', () => {
  const real = defaultGuestFactory().factory;
  assert.ok(real, 'the real guest machine is built');
  const { got } = digests(8, 'bt', real, [2000, 4000, 6000]);
  assert.deepEqual(got, [
    '2s 34145fb56d922dee',
    '4s 8b59e0e3f3ddaccc',
    '6s c4af952f7affeb0c',
  ], `the run's digests:\n${got.join('\n')}`);
});
