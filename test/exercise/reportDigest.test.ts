// The lab digest of reports covers the student's saved availability design (digest version 2): a lab
// without a saved design digests exactly as before (version 1 bytes), saving or changing a design
// changes the digest, the saved lab digests the same, and a report made before version 2 still verifies
// against its lab with the version it names; an unknown version is a clear error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Student } from '../helpers/practical';
import { saveLab } from '../../src-main/node/storage/labStore';
import { openSavedLab } from '../../src-main/node/exercise/labAccess';
import { buildReport, checkLabDigest, labDigest, LAB_DIGEST_VERSION } from '../../src-main/node/report/index';

const design = (scheme: 'N' | '2N') => ({ groups: [
  { name: 'utility feed', availability: 0.999, need: 1, scheme },
  { name: 'UPS', mtbfH: 50_000, mttrH: 8, need: 2, scheme: 'N+1' as const },
] });

test('the report digest covers the saved availability design; labs without one digest as before; old reports still verify', async () => {
  const s = await Student.start('availability');
  await s.run(1);
  assert.equal(LAB_DIGEST_VERSION, 2);
  const before1 = await labDigest(s.api, 1);
  const before2 = await labDigest(s.api);
  assert.equal(before2.version, 2);
  assert.equal(before2.digest, before1.digest, 'no design saved: version 2 is the version 1 digest, byte for byte');

  await s.api.command('availability.design.save', { design: design('N') });
  const withN = await labDigest(s.api);
  const withN1 = await labDigest(s.api, 1);
  assert.notEqual(withN.digest, withN1.digest, 'version 2 covers the saved design');
  await s.api.command('availability.design.save', { design: design('2N') });
  const with2N = await labDigest(s.api);
  assert.notEqual(with2N.digest, withN.digest, 'a changed design changes the digest');
  assert.equal((await labDigest(s.api, 1)).digest, withN1.digest, 'version 1 does not see the design (why version 2 exists)');

  // The report names its version; the saved lab gives the same digest; a pre-version-2 report (no
  // digestVersion) verifies against the same save with version 1.
  const doc = await buildReport(s.api, { kind: 'lab', exercise: s.exercise, generatedAt: '2025-01-01T00:00:00.000Z' });
  assert.equal(doc.integrity.digestVersion, 2);
  assert.equal(doc.integrity.labDigest, with2N.digest);
  const dir = mkdtempSync(join(tmpdir(), 'hvlab-digest-'));
  saveLab(dir, s.engine.saveState());
  const saved = await openSavedLab(dir);
  assert.deepEqual(await saved.api.query('availability.design.saved', {}).then((d) => d?.design), design('2N'));
  assert.equal((await checkLabDigest(doc.integrity, saved.api)).same, true, 'the save is the lab of the report');
  const old = { labDigest: withN1.digest, virtualTimeMs: doc.integrity.virtualTimeMs, seal: null };
  const oldCheck = await checkLabDigest(old, saved.api);
  assert.equal(oldCheck.version, 1);
  assert.equal(oldCheck.same, true, 'a report made before version 2 verifies with version 1');
  const edited = await checkLabDigest({ ...doc.integrity, labDigest: withN.digest }, saved.api);
  assert.equal(edited.same, false, 'a report whose digest was made with another design does not match this save');
  await assert.rejects(checkLabDigest({ ...doc.integrity, digestVersion: 3 }, saved.api), /lab digest is version 3; this Hypervisor Lab knows versions 1 and 2/);
});
