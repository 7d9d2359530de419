/**
 * Entry point of the engine worker thread: the engine runs here, off the UI / server thread.
 *
 * Reads `workerData: WorkerInit`, starts an EngineHost, answers requests, forwards events and writes
 * the autosave when its owner quits. Any exception while starting is reported as `{ type: 'fatal' }`
 * rather than crashing silently.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { EngineHost } from '../engineHost';
import { loadPageCodecs } from '../codecs/pageCodecs';
import type { FromWorker, ToWorker, WorkerInit } from './workerProtocol';
import { applyEngineTiering } from '../v8Tuning';

const port = parentPort;
if (!port) throw new Error('engineWorker must run in a worker thread');
const post = (m: FromWorker) => port.postMessage(m);

async function main(): Promise<void> {
  applyEngineTiering();
  const init = workerData as WorkerInit;
  // Live migration's codecs and page hash load their WebAssembly once, before the engine starts.
  const pageCodecs = await loadPageCodecs();
  const host = new EngineHost({
    scenario: init.scenario, seed: init.seed, paused: init.paused, dataDir: init.dataDir, libraryDir: init.libraryDir,
    restoreAutosave: init.restoreAutosave, discardAutosave: init.discardAutosave, engineCrash: init.engineCrash,
    workers: init.workers,
    ports: { pageCodecs },
  });
  host.onEvent((event) => post({ type: 'event', event }));
  // The owner stops the thread by terminating it (EngineWorkerClient.close): nothing here outlives it.
  port!.on('message', (m: ToWorker) => {
    if (m.type === 'request') post({ type: 'response', message: host.request(m.message) });
    else if (m.type === 'autosave') {
      try {
        post({ type: 'autosaved', saved: host.autosaveNow('quit') });
      } catch (e) {
        post({ type: 'autosaved', saved: false, error: e instanceof Error ? e.message : String(e) });
      }
    }
  });
  host.start();
  post({ type: 'ready' });
}

main().catch((e: unknown) => post({ type: 'fatal', message: e instanceof Error ? e.message : String(e) }));
