// Worker side of the fuzz harness (fuzzRunner.ts): loads the target, runs cases [from, to) and reports
// each outcome; an exception inside a case is that case's crash, never the worker's.
import { parentPort, workerData } from 'node:worker_threads';
import type { FuzzTarget, Outcome } from './fuzzRunner';

const data = workerData as { target: string; seed: number; from: number; to: number };
const port = parentPort!;
const { target } = (await import(data.target)) as { target: FuzzTarget };
await target.setup?.();
port.postMessage({ type: 'setup' });
for (let i = data.from; i < data.to; i++) {
  let outcome: Outcome;
  try {
    outcome = await target.run(data.seed, i);
  } catch (e) {
    outcome = { kind: 'crash', detail: `${e instanceof Error ? e.stack ?? e.message : String(e)}${target.describe ? `\n--- case ---\n${target.describe(data.seed, i)}` : ''}` };
  }
  port.postMessage({ type: 'case', index: i, outcome });
}
port.postMessage({ type: 'done' });
