/**
 * limits — every bound the Node side puts on what crosses into it (the engine's own limits live in
 * `engine/params.ts`; docs/security.md lists both). One constant each, with why.
 *
 * Rule: the transports (WebSocket server, Electron IPC), the lab store and the autosave read their
 * bounds from here; nothing else defines a transport or file-size limit.
 */

/** Largest WebSocket message (and Electron IPC request): contract messages are a few KiB; the biggest
 *  legitimate one, `vm.console.send`, carries at most 4 KiB of text. */
export const MAX_MESSAGE_BYTES = 1 << 20;

/** A client whose unsent replies and events exceed this stops being read (back-pressure): it gets no
 *  new requests in until its socket drains below WS_RESUME_BYTES. */
export const WS_PAUSE_BYTES = 4 << 20;
export const WS_RESUME_BYTES = 1 << 20;
/** A client that still does not read once this much is queued for it is disconnected: one client that
 *  stopped reading must not grow the server without bound. */
export const WS_DROP_BYTES = 32 << 20;
/** Requests one connection may have inside the engine at once; more pause reading from it until some
 *  are answered (a flood cannot pile up in the engine's queue). */
export const WS_MAX_IN_FLIGHT = 64;

/** Most nesting an IPC request may have (the contract's deepest message is 4 levels). */
export const MAX_MESSAGE_DEPTH = 32;

/** Largest saved-lab data file read into memory (files are checked with lstat first: no devices,
 *  FIFOs or symlinks), and largest manifest. Node cannot hold one buffer larger than 4 GiB; beyond this
 *  a save is refused, never read. */
export const SAVE_MAX_DATA_BYTES = 4 * 1024 ** 3 - 1;
export const SAVE_MAX_MANIFEST_BYTES = 64 * 1024;

/** Wall-clock period of the background autosave of a running lab (plus one on every quit). */
export const AUTOSAVE_PERIOD_MS = 120_000;

/** Longest a coordinator blocks on a worker's reply to one call (or to a fan-out of calls) before it gives up
 *  with an error: a worker that is stuck must not hang the engine. A host's segment on a loaded machine
 *  takes tens of milliseconds; a call taking seconds is a fault, not load. */
export const WORKER_CALL_TIMEOUT_MS = 30_000;
/** How often a blocked coordinator looks up from its wait to see whether the worker has exited. */
export const WORKER_CALL_POLL_MS = 50;
/** How deep calls may nest through asks: a worker's call asks the coordinator, whose answer calls a worker
 *  (the same one or another), whose call asks again... Migration needs two (the sender half's ask answered
 *  by the destination owner's call); deeper is a loop, refused as an error rather than a stack overflow. */
export const WORKER_CALL_NEST_MAX = 8;
/** Most host worker threads a lab may run its hosts on (`--workers N`, `HVLAB_WORKERS`): more threads than
 *  cores only adds switching, and each worker holds its own copy of the guest machine's programs. */
export const HOST_WORKERS_MAX = 64;

/** V8 flags set for the engine's code wherever the product runs guests (`v8Tuning.ts`). Feedback vectors
 *  allocated at a function's first call, not after ~8 runs of its bytecode: bt's region functions
 *  (`new Function`, made as pages are translated) collect type feedback from their first entry, so V8 can
 *  optimise them sooner — a gain on `mixed` bt's first seconds, neutral on the other workloads and every steady
 *  rate; results unchanged (docs/PERFORMANCE.md, "V8's tiering flags on bt's first seconds"). */
export const ENGINE_V8_FLAGS: readonly string[] = ['--no-lazy-feedback-allocation'];
/** An environment variable that, set to `off`, leaves V8's flags as Node's defaults (A/B measurements, tests). */
export const V8_TUNING_ENV = 'HVLAB_V8_TUNING';
