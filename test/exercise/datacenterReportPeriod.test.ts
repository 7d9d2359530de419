// The datacenter report's period: by default the lab so far — from its start while it has run less than
// an hour, the last hour after that; a lab just loaded (0 s) still gets a report that says no counter has
// been sampled yet; a period the user chose that is empty stays an error naming the period.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildReport, defaultPeriod } from '../../src-main/node/report/index';
import type { ReportDoc } from '../../src-main/node/report/index';
import { apiOf, engineWithScenarios } from '../../src-main/node/exercise/labAccess';
import { ApiException } from '../../src-shared/api/errors';

const fact = (doc: ReportDoc, key: string) => doc.facts.find(([k]) => k === key)?.[1] ?? '';
const table = (doc: ReportDoc, id: string) => doc.sections.flatMap((s) => s.blocks).flatMap((b) => (b.kind === 'table' && b.table.id === id ? [b.table] : []))[0];

test('the default period: from the lab start for the first hour, then the last hour', () => {
  assert.deepEqual(defaultPeriod(0), { fromMs: 0, toMs: 0 });
  assert.deepEqual(defaultPeriod(45 * 60_000), { fromMs: 0, toMs: 45 * 60_000 });
  assert.deepEqual(defaultPeriod(3 * 3_600_000), { fromMs: 2 * 3_600_000, toMs: 3 * 3_600_000 });
});

test('a lab just loaded gets a datacenter report (inventory, no samples yet), not an error', async () => {
  const engine = engineWithScenarios('lab-small', 1);
  const api = apiOf(engine);
  // As the client's Export report… asks with "last hour" at 0 s, and as the CLI with no period.
  for (const period of [{ fromMs: 0, toMs: 0 }, {}]) {
    const doc = await buildReport(api, { kind: 'datacenter', ...period, generatedAt: '2025-01-01T00:00:00.000Z' });
    assert.match(fact(doc, 'Period'), /^00:00 – 00:00 virtual \(0 s/);
    assert.equal(doc.sections[0].title, 'No samples yet');
    assert.equal(table(doc, 'hosts').rows.length, 2, 'the inventory is there');
    assert.ok(table(doc, 'host-utilization').rows.every((r) => r[1] === null), 'no invented figures');
  }
  // A period the user chose that lies after now is still an error naming the period.
  await assert.rejects(buildReport(api, { kind: 'datacenter', fromMs: 600_000, generatedAt: 'x' }), (e: unknown) => e instanceof ApiException && e.error.field === 'report.period');
});

test('after a minute the default period covers the lab from its start, with figures', async () => {
  const engine = engineWithScenarios('lab-small', 1);
  const api = apiOf(engine);
  await api.command('sim.step', { seconds: 60 });
  while (!engine.stepSome(1000)) { /* run the step to its end */ }
  const doc = await buildReport(api, { kind: 'datacenter', generatedAt: '2025-01-01T00:00:00.000Z' });
  assert.match(fact(doc, 'Period'), /^00:00 – 01:00 virtual \(60 s/);
  assert.ok(!doc.sections.some((s) => s.title === 'No samples yet'));
  const util = table(doc, 'host-utilization');
  assert.ok(util.rows.every((r) => typeof r[1] === 'number' && r[5] === 3), JSON.stringify(util.rows));
});
