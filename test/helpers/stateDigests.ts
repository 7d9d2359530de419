// State digests of a lab at chosen virtual times: the check that speed or structure work changed no
// result. `stateDigestsAt(engine, atMs)` advances the engine to each time in turn (ascending, from 0) and
// returns one line per time, `"<seconds>s <first 16 hex of sha256(digestInput)>"`, plus the last
// digest input in full (a failing test prints it to show what moved).
import { createHash } from 'node:crypto';
import type { Engine } from '../../src-main/engine/index';

export function stateDigestsAt(engine: Engine, atMs: readonly number[]): { got: string[]; final: string } {
  const got: string[] = [];
  let final = '';
  let now = 0;
  for (const t of atMs) {
    engine.advance(t - now);
    now = t;
    final = JSON.stringify(engine.digestInput());
    got.push(`${t / 1000}s ${createHash('sha256').update(final).digest('hex').slice(0, 16)}`);
  }
  return { got, final };
}
