/**
 * Entry point of the engine worker thread: the engine runs here, off the UI / server thread.
 *
 * Reads `workerData: WorkerInit`, starts an EngineHost, answers requests and forwards events.
 * Any exception while starting is reported as `{ type: 'fatal' }` rather than crashing silently.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { EngineHost } from '../engineHost';
import type { FromWorker, ToWorker, WorkerInit } from './workerProtocol';

const port = parentPort;
if (!port) throw new Error('engineWorker must run in a worker thread');
const post = (m: FromWorker) => port.postMessage(m);

try {
  const init = workerData as WorkerInit;
  const host = new EngineHost({ scenario: init.scenario, seed: init.seed, paused: init.paused });
  host.onEvent((event) => post({ type: 'event', event }));
  // The owner stops the thread by terminating it (EngineWorkerClient.close): nothing here outlives it.
  port.on('message', (m: ToWorker) => post({ type: 'response', message: host.request(m.message) }));
  host.start();
  post({ type: 'ready' });
} catch (e) {
  post({ type: 'fatal', message: e instanceof Error ? e.message : String(e) });
}
