// Fuzz suite: WebSocket frames and messages against a live browser-mode server (the real server, the
// real engine worker). Each connection sends a batch of frames (each frame is a case): well-formed frames
// carrying fuzzed requests (targets/schemas.ts), malformed frames of every kind the protocol forbids,
// and raw garbage. After every batch the server must answer a query on a NEW connection.
// Crash: the server (in this process) throws — an uncaught exception would end a real server — or it
// answers E_INTERNAL. Hang: no close, reply or answer
// within HANG_MS. Wrong accept: a forbidden frame that does not close its connection with the right
// code, or an "ok" reply to a request the contract's validator refuses.
// Bounded here; longer with HVLAB_FUZZ_CASES / HVLAB_FUZZ_SEED (test/README.md).
import { API_VERSION } from '../../src-shared/api/channels';
import { test } from 'node:test';
import { join } from 'node:path';
import { EngineWorkerClient } from '../../src-main/node/workers/engineWorkerClient';
import { validateRequest } from '../../src-shared/api/validate';
import { frame, rawConnect, textFrame } from '../helpers/rawWebSocket';
import { assertClean, fuzzSize, type FuzzReport } from './fuzzRunner';
import { makeCase as requestCase } from './targets/schemas';
import { rngFor, type Rng } from './rng';
import { labServerForTests } from '../helpers/labServerForTests';

const lab = labServerForTests({ backend: () => EngineWorkerClient.spawn({ scenario: 'lab-small', seed: 1, paused: true }) });

type Bad = { frames: Buffer[]; codes: number[]; what: string };

/** Frames the protocol forbids, with the close codes RFC 6455 allows for each. */
function badFrame(rng: Rng): Bad {
  const small = Buffer.from('{"v":1}');
  const close = (code: number) => { const b = Buffer.alloc(2); b.writeUInt16BE(code); return b; };
  switch (rng.int(11)) {
    case 0: return { what: 'over 1 MiB', frames: [frame({ opcode: 1, payload: Buffer.alloc((1 << 20) + 1 + rng.int(1000), 0x20) })], codes: [1009] };
    case 1: return { what: 'announces more than 1 MiB', frames: [frame({ opcode: rng.pick([1, 2]), payload: small, length: (1 << 20) + 1 + rng.int(1e9) })], codes: [1009] };
    case 2: return { what: 'invalid UTF-8', frames: [frame({ opcode: 1, payload: Buffer.from([0x22, 0xc0 + rng.int(2), 0x80, 0xff]) })], codes: [1007] };
    case 3: return { what: 'unmasked', frames: [frame({ opcode: rng.pick([1, 2, 9]), payload: small, mask: false })], codes: [1002] };
    case 4: return { what: 'reserved bits', frames: [frame({ opcode: 1, payload: small, rsv: 1 + rng.int(7) })], codes: [1002] };
    case 5: return { what: 'reserved opcode', frames: [frame({ opcode: rng.pick([3, 4, 5, 6, 7, 11, 12, 13, 14, 15]), payload: small })], codes: [1002] };
    case 6: return { what: 'bad close code', frames: [frame({ opcode: 8, payload: close(rng.pick([0, 999, 1004, 1005, 1006, 1015, 2999, 5000, 65535])) })], codes: [1002] };
    case 7: return { what: 'oversized control frame', frames: [frame({ opcode: rng.pick([8, 9, 10]), payload: Buffer.alloc(126 + rng.int(200)) })], codes: [1002] };
    case 8: return { what: 'fragmented control frame', frames: [frame({ opcode: rng.pick([9, 10]), payload: small, fin: false })], codes: [1002] };
    case 9: return { what: 'continuation without a start', frames: [frame({ opcode: 0, payload: small })], codes: [1002] };
    default: {
      const n = 17 + rng.int(8); // 17 × 64 KiB is just over the 1 MiB message limit
      return { what: `${n} fragments of 64 KiB`, frames: [frame({ opcode: 1, payload: Buffer.alloc(65536, 0x20), fin: false }), ...Array.from({ length: n - 1 }, (_, i) => frame({ opcode: 0, payload: Buffer.alloc(65536, 0x20), fin: i === n - 2 }))], codes: [1009] };
    }
  }
}

const HANG_MS = 5000;
const within = <T>(p: Promise<T>, ms = HANG_MS): Promise<T | 'timeout'> => Promise.race([p, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms))]);

/** After a batch: a NEW connection must be answered. It also pauses the clock again (a batch may have
 *  started it at 'max'), so the next batch's requests are not queued behind simulation slices. */
async function answersQuery(): Promise<boolean> {
  const c = await within(rawConnect(lab.server().port, lab.wsPath()));
  if (c === 'timeout') return false;
  c.write(textFrame(`{"v":${API_VERSION},"id":1,"kind":"command","name":"sim.pause","params":{}}`));
  const r = await within(c.nextReply());
  c.destroy();
  return r !== 'timeout' && JSON.parse(r).ok === true;
}

test('fuzz: WebSocket frames and messages against a live server — no crash, hang or wrong accept', { timeout: 900_000 }, async () => {
  const { seed, cases: batches } = fuzzSize(250, HANG_MS);
  const report: FuzzReport = { suite: 'websocket', seed, cases: 0, accepted: 0, refused: 0, crashes: 0, hangs: 0, wrongAccepts: 0, wallMs: 0, failures: [] };
  const fail = (index: number, kind: 'crash' | 'hang' | 'wrong accept', detail: string) => {
    if (kind === 'crash') report.crashes++; else if (kind === 'hang') report.hangs++; else report.wrongAccepts++;
    if (report.failures.length < 20) report.failures.push({ index, kind, detail });
  };
  // The server runs in this process: an exception it does not handle would end a real server (and
  // the lab with it). Here it is caught and counted as a crash of the batch that caused it.
  let batch = -1;
  const onUncaught = (e: unknown) => fail(batch, 'crash', `uncaught in the server: ${e instanceof Error ? e.message : String(e)}`);
  process.on('uncaughtException', onUncaught);
  const t0 = performance.now();
  let frames = 0;
  for (let index = 0; index < batches; index++) {
    batch = index;
    const rng = rngFor(seed, index);
    const opened = await within(rawConnect(lab.server().port, lab.wsPath()));
    if (opened === 'timeout') { fail(index, 'hang', 'the upgrade was not answered'); continue; }
    const conn = opened;
    /** Per request id: false when the contract's validator refuses it (the server must too). */
    const valid: { id: number; expectOk: boolean | undefined }[] = [];
    // A `sim.run` goes last in its batch: once the clock runs, requests are answered between simulation
    // slices (tens of ms each), which would only slow the fuzzer down; answersQuery() pauses it again.
    const requests = Array.from({ length: rng.int(21) }, (_, j) => requestCase(seed, index * 32 + j))
      .sort((x, y) => Number(x.name === 'sim.run') - Number(y.name === 'sim.run'));
    for (let k = 1; k <= requests.length; k++) {
      const c = requests[k - 1];
      const msg = rng.chance(0.1) ? JSON.stringify(c.params) : JSON.stringify({ v: API_VERSION, id: k, kind: c.kind, name: c.name, params: c.params });
      conn.write(textFrame(rng.chance(0.05) ? msg.slice(0, rng.int(msg.length)) : msg));
      let parsed: unknown;
      try { parsed = JSON.parse(msg); } catch { parsed = undefined; }
      const ok = validateRequest(parsed).ok;
      valid.push({ id: k, expectOk: ok ? undefined : false });
      if (ok) report.accepted++; else report.refused++;
      frames++;
    }
    const mode = rng.int(3); // 0: well-formed only, 1: then a forbidden frame, 2: then garbage bytes
    const bad = mode === 1 ? badFrame(rng) : undefined;
    if (bad) for (const f of bad.frames) { conn.write(f); frames++; }
    if (mode === 2) { conn.write(Buffer.from(Array.from({ length: 1 + rng.int(64) }, () => rng.int(256)))); conn.socket.end(); frames++; }
    // One reply per well-formed frame, before any close; refusals at the boundary may overtake answers
    // from the engine, so replies are matched by id (a message without a usable id is answered id -1).
    // Once a forbidden frame closes the connection, answers still on their way are dropped with it.
    const closedEarly = conn.closed.then(() => 'closed' as const);
    for (let k = 0; k < valid.length && mode !== 2; k++) {
      const r = await within(Promise.race([conn.nextReply(), closedEarly]));
      if (r === 'closed') { if (!bad) fail(index, 'crash', 'a connection sending only well-formed frames was closed'); break; }
      if (r === 'timeout') { fail(index, 'hang', `${valid.length - k} of ${valid.length} requests got no reply`); break; }
      const m = JSON.parse(r) as { id: number; ok: boolean; error?: { code: string; message: string } };
      if (!m.ok && m.error?.code === 'E_INTERNAL') fail(index, 'crash', `E_INTERNAL: ${m.error.message}`);
      const sent = valid.find((x) => x.id === m.id);
      if (m.ok && (!sent || sent.expectOk === false)) fail(index, 'wrong accept', `the server accepted a request its validator refuses: ${r.slice(0, 200)}`);
    }
    if (bad) {
      const code = await within(conn.closed);
      if (code === 'timeout') fail(index, 'hang', `${bad.what}: the connection was not closed`);
      else if (!bad.codes.includes(code ?? -1)) fail(index, 'wrong accept', `${bad.what}: closed with ${code}, expected ${bad.codes.join(' or ')}`);
      else report.refused += bad.frames.length;
    } else if (mode === 2) {
      const code = await within(conn.closed);
      if (code === 'timeout') fail(index, 'hang', 'garbage then end: the connection was not closed');
      else report.refused++;
    }
    conn.destroy();
    if (!(await answersQuery())) fail(index, 'hang', 'the server did not answer a query on a new connection after this batch');
  }
  process.off('uncaughtException', onUncaught);
  report.wallMs = Math.round(performance.now() - t0);
  report.cases = frames;
  console.log(`websocket fuzz: ${frames} frames in ${batches} connections; server stats ${JSON.stringify(lab.server().stats())}`);
  assertClean(report);
});
