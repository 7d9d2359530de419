// The engine's V8 flags (node/v8Tuning.ts): set in a fresh process by applyEngineTiering, and by a host worker
// for its whole process (the thread that started it set none); not set with HVLAB_V8_TUNING=off; and the
// guests' state digests (two real guests under bt) the same with and without them. Each case is a fresh
// process (v8TuningProbe.ts): V8's flags cannot be unset within one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENGINE_V8_FLAGS } from '../../src-main/node/limits';

const probe = join(dirname(fileURLToPath(import.meta.url)), 'v8TuningProbe.ts');

function run(args: string[], tuning?: 'off'): { flags: string[]; got: string[]; eagerFeedback: boolean } {
  const env = { ...process.env };
  if (tuning === 'off') env.HVLAB_V8_TUNING = 'off'; else delete env.HVLAB_V8_TUNING;
  delete env.NODE_TEST_CONTEXT; // the probe is a plain process, not a test file of this run
  const r = spawnSync(process.execPath, ['--import', 'tsx', probe, ...args], { encoding: 'utf8', env, maxBuffer: 16 << 20 });
  assert.equal(r.status, 0, r.stderr);
  const eager = /feedback vector: 0x[0-9a-f]+: \[FeedbackVector\]/.test(r.stdout);
  const lazy = /feedback vector: No feedback vector/.test(r.stdout);
  assert.notEqual(eager, lazy, `V8 described the probe's function: ${r.stdout.slice(0, 400)}`);
  // V8's C++ output is buffered apart from Node's and may land in the middle of the JSON's line: find the JSON.
  const json = /\{"flags":\[[^\]]*\],"got":\[[^\]]*\]\}/.exec(r.stdout);
  assert.ok(json, r.stdout.slice(-2000));
  const out = JSON.parse(json[0]) as { flags: string[]; got: string[] };
  return { ...out, eagerFeedback: eager };
}

test('applyEngineTiering sets the engine\'s flags in a fresh process; HVLAB_V8_TUNING=off leaves them; the guests\' digests are the same', () => {
  const on = run([]);
  assert.deepEqual(on.flags, [...ENGINE_V8_FLAGS]);
  assert.equal(on.eagerFeedback, true, 'a function made after the flag gets its feedback vector at its first call');
  const off = run([], 'off');
  assert.deepEqual(off.flags, []);
  assert.equal(off.eagerFeedback, false, 'Node\'s default: feedback allocated lazily');
  assert.equal(on.got.length, 2);
  assert.deepEqual(on.got, off.got, 'the same state digests with and without the flags');
});

test('a host worker sets the flags for its process: the thread that started it set none', () => {
  const w = run(['worker']);
  assert.deepEqual(w.flags, [], 'the probe\'s own thread applied nothing');
  assert.equal(w.eagerFeedback, true);
  assert.deepEqual(w.got, run([], 'off').got, 'the same digests on a tuned host worker as untuned in one thread');
});
