// Bootstrap for running a TypeScript worker under tsx (development and `npx hvlab`): Node does not pass
// loader hooks to worker threads, so the worker registers tsx itself and then imports its real entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.__entry);
