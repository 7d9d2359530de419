// Child process of the kill-mid-save test: builds a lab (fake guests), then advances and saves it to DIR
// again and again. Prints "saving <generation> <digest>" before each save and "saved <generation>" after.
// With a STEP argument it kills itself (SIGKILL) at that step of the first save it makes.
import { createHash } from 'node:crypto';
import { saveLab, currentGeneration } from '../../../src-main/node/storage/labStore';
import type { SaveStep } from '../../../src-main/node/storage/labStore';
import { harness } from '../../helpers/labHarness';

const [dir, crashAt] = process.argv.slice(2);
const h = harness('lab-cluster', 3);
h.advance(20_000);
for (;;) {
  h.advance(500);
  const digest = createHash('sha256').update(JSON.stringify(h.engine.digestInput())).digest('hex');
  console.log(`saving ${currentGeneration(dir) + 1} ${digest}`);
  const r = saveLab(dir, h.engine.saveState(), {
    onStep: (step: SaveStep) => { if (step === crashAt) process.kill(process.pid, 'SIGKILL'); },
  });
  console.log(`saved ${r.generation}`);
}
