// A fresh process for v8Tuning.test.ts: runs two real guests under bt (in this thread, or with `worker` on one
// host worker, this thread never setting a flag itself), then looks at whether a function made afterwards gets
// its feedback vector at its first call (what --no-lazy-feedback-allocation changes), through V8's %DebugPrint.
// Prints V8's description of that function, then one JSON line: { flags, got } (the state digests).
import { setFlagsFromString } from 'node:v8';
import { createEngine } from '../../src-main/engine/index';
import { defaultGuestFactory } from '../../src-main/node/guestFactories';
import { HostWorkerPool } from '../../src-main/node/workers/hostWorkerPool';
import { applyEngineTiering } from '../../src-main/node/v8Tuning';
import { digestScenario } from '../helpers/pinnedLabs';
import { stateDigestsAt } from '../helpers/stateDigests';

const onWorker = process.argv.includes('worker');
const flags = onWorker ? [] : applyEngineTiering();
const { factory } = defaultGuestFactory();
const pool = onWorker ? new HostWorkerPool({ workers: 1, guests: { kind: 'machine' } }) : undefined;
const e = createEngine({ scenarios: { s: { file: 's', content: digestScenario(2, 'bt') } }, guestFactory: factory }, { scenario: 's', seed: 1, hostOwners: pool && (() => pool) });
const { got } = stateDigestsAt(e, [300, 900]);
e.close();
pool?.close();

// %DebugPrint writes the function (its feedback vector, or "No feedback vector") to stdout from C++; the one
// function printed is the fresh one, so the parent reads the whole output.
setFlagsFromString('--allow-natives-syntax');
const fresh = new Function('x', 'return x + 1') as (x: number) => number;
fresh(1);
(new Function('f', '%DebugPrint(f)') as (f: unknown) => void)(fresh);
console.log(JSON.stringify({ flags, got }));
