// `hvlab serve --workers N` (cli/workersOption.ts → startLabBackend → the engine worker → EngineHost →
// a pool of host workers per lab): a bad `--workers` or HVLAB_WORKERS is a usage error naming where it
// came from (serve and start alike, before anything starts); the lab's backend started with workers runs
// its hosts on threads of their own and its real HV32 guests answer the inventory, a VM's console and the
// clock exactly as on one thread. (A pool starts no thread beyond its lab's hosts: hostWorkers.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { startLabBackend, type Backend } from '../../src-main/node/backends/index';
import { API_VERSION } from '../../src-shared/api/channels';
import type { InventoryDto } from '../../src-shared/model/inventory';
import { serve } from '../../src-main/node/cli/serveCommand';
import { start } from '../../src-main/node/cli/startCommand';
import { UsageError } from '../../src-main/node/cli/args';

test('a bad --workers or HVLAB_WORKERS is a usage error naming where it came from (serve and start, before anything starts)', async () => {
  const saved = process.env.HVLAB_WORKERS;
  try {
    delete process.env.HVLAB_WORKERS;
    await assert.rejects(serve(['--port', '0', '--no-autosave', '--workers', 'many']), (e: unknown) => e instanceof UsageError && /^--workers needs an integer 0…64 .*got "many"$/.test(e.message));
    process.env.HVLAB_WORKERS = '65';
    await assert.rejects(serve(['--port', '0', '--no-autosave']), (e: unknown) => e instanceof UsageError && /^HVLAB_WORKERS needs an integer 0…64 .*got "65"$/.test(e.message));
    // The flag wins over the environment.
    process.env.HVLAB_WORKERS = '2';
    await assert.rejects(start(['--workers=-1']), (e: unknown) => e instanceof UsageError && /^--workers needs an integer 0…64 .*got "-1"$/.test(e.message));
  } finally {
    if (saved === undefined) delete process.env.HVLAB_WORKERS;
    else process.env.HVLAB_WORKERS = saved;
  }
});

/** This process's OS threads (a worker thread is one): Linux only. */
function threadCount(): number | undefined {
  try {
    return readdirSync('/proc/self/task').length;
  } catch {
    return undefined;
  }
}

interface Seen { inventory: string; console: string; virtualTimeMs: number; threadsAdded: number | undefined }

/** Virtual seconds each served lab is stepped. */
const STEP_S = 1;

/** lab-small served with `workers`, stepped STEP_S: what a client sees, and the threads the backend added. */
async function served(workers: number): Promise<Seen> {
  const before = threadCount();
  const backend: Backend = await startLabBackend({ scenario: 'lab-small', seed: 1, paused: true, workers });
  let id = 1;
  const ask = async (kind: string, name: string, params: Record<string, unknown> = {}) => {
    const r = await backend.request({ v: API_VERSION, id: id++, kind, name, params } as Parameters<Backend['request']>[0]);
    assert.ok(r.ok, `${name}: ${JSON.stringify(r)}`);
    return r.ok ? r.result : undefined;
  };
  try {
    await ask('command', 'sim.step', { seconds: STEP_S });
    let status = (await ask('query', 'sim.status')) as { stepToMs?: number; virtualTimeMs: number };
    for (let i = 0; i < 300 && status.stepToMs !== undefined; i++) {
      await new Promise((r) => setTimeout(r, 50));
      status = (await ask('query', 'sim.status')) as { stepToMs?: number; virtualTimeMs: number };
    }
    const threads = threadCount();
    const inventory = (await ask('query', 'inventory.get')) as InventoryDto;
    const vm = inventory.vms.find((v) => v.powerState === 'poweredOn' && v.guestState !== 'notRunning');
    assert.ok(vm, 'a guest runs (or waits halted for work)');
    const con = (await ask('query', 'vm.console.read', { vmId: vm.id })) as { text?: string; data?: string };
    // The change-feed version counts requests as well as changes: left out of the comparison.
    const { version: _version, ...rest } = inventory as InventoryDto & { version?: number };
    return {
      inventory: JSON.stringify(rest), console: JSON.stringify(con), virtualTimeMs: status.virtualTimeMs,
      threadsAdded: threads === undefined || before === undefined ? undefined : threads - before,
    };
  } finally {
    await backend.close();
  }
}

test('a lab served with --workers 2 runs its hosts on threads of their own, its guests answering as on one thread', async () => {
  const one = await served(0);
  const two = await served(2);
  assert.equal(one.virtualTimeMs, STEP_S * 1000);
  assert.match(one.console, /\S/, 'the guest wrote to its console');
  assert.equal(two.virtualTimeMs, one.virtualTimeMs, 'the clock');
  assert.equal(two.inventory, one.inventory, 'the same inventory (guest states, CPU and memory figures)');
  assert.equal(two.console, one.console, 'the same console output');
  if (one.threadsAdded !== undefined && two.threadsAdded !== undefined) {
    assert.ok(two.threadsAdded > one.threadsAdded, `the hosts ran on threads of their own (${two.threadsAdded} threads added, ${one.threadsAdded} on one thread)`);
  }
});
