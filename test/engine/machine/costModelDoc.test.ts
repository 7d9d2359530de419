/** docs/cost-model.md lists every key of the cycle-cost table and the device-timing table, with its default. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { DEFAULT_COSTS } from '../../../src-main/engine/cpu/index';
import { DEFAULT_DEVICE_TIMING } from '../../../src-main/engine/devices/index';

const doc = readFileSync(new URL('../../../docs/cost-model.md', import.meta.url), 'utf8');

function row(key: string): string[] | undefined {
  const line = doc.split('\n').find((l) => l.startsWith(`| \`${key}\` |`));
  return line?.split('|').map((c) => c.trim());
}

for (const [table, values] of [['cpu/costModel.ts DEFAULT_COSTS', DEFAULT_COSTS], ['devices/deviceTiming.ts DEFAULT_DEVICE_TIMING', DEFAULT_DEVICE_TIMING]] as const) {
  test(`docs/cost-model.md documents every key of ${table} with its default`, () => {
    for (const [key, value] of Object.entries(values)) {
      const cells = row(key);
      assert.ok(cells, `docs/cost-model.md has no row for \`${key}\` (${table})`);
      assert.equal(Number(cells[2].replace(/[,_ ]/g, '')), value, `default of ${key} in docs/cost-model.md`);
      assert.ok(cells[4] && cells[4].length > 5, `${key}: the source of the default is given`);
    }
  });
}
