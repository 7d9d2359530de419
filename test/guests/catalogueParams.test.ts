/**
 * The guest catalogue's parameter declarations (the fields New VM and Edit Settings offer): every
 * declared key is one labos's programs actually read (its name is a key string in the user sources),
 * the kernel's own parameters (shell) are read by the kernel and offered with every program, defaults
 * lie in their ranges, and a malformed declaration is refused naming the file and field.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { GUESTS_DIR, catalogue } from '../helpers/machineHarness';
import { GuestCatalogueError, parseGuestCatalogue } from '../../src-main/engine/machine/index';

test('every declared parameter is a key labos reads, with its default in range', () => {
  const dir = join(GUESTS_DIR, 'labos', 'user');
  const keys = new Set<string>();
  for (const f of readdirSync(dir)) for (const m of readFileSync(join(dir, f), 'utf8').matchAll(/\.asciz\s+"([a-z_]+)"/g)) keys.add(m[1]);
  const cat = catalogue();
  const kernelKeys = new Set((JSON.parse(readFileSync(join(GUESTS_DIR, 'guests.json'), 'utf8')) as { kernelParams: { key: string }[] }).kernelParams.map((p) => p.key));
  const declared = cat.guests.flatMap((g) => g.params.filter((p) => !kernelKeys.has(p.key)).map((p) => ({ guest: g.name, ...p })));
  assert.ok(declared.length >= 20, `${declared.length} parameters declared`);
  for (const p of declared) {
    assert.ok(keys.has(p.key), `${p.guest}: ${p.key} is read by a labos program`);
    assert.ok(p.min <= p.default && p.default <= p.max, `${p.guest}.${p.key}`);
  }
  assert.deepEqual(cat.guests.find((g) => g.name === 'memwrite')?.params.find((p) => p.key === 'content')?.words, { word: 0, text: 1, random: 2 });
});

test('the kernel\'s parameters (shell) are offered by every program, read by the kernel, after the program\'s own', () => {
  const kernel = new Set<string>();
  const dir = join(GUESTS_DIR, 'labos');
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.s'))) for (const m of readFileSync(join(dir, f), 'utf8').matchAll(/\.asciz\s+"([a-z_]+)"/g)) kernel.add(m[1]);
  const declared = (JSON.parse(readFileSync(join(GUESTS_DIR, 'guests.json'), 'utf8')) as { kernelParams: { key: string }[] }).kernelParams.map((p) => p.key);
  assert.deepEqual(declared, ['shell']);
  for (const key of declared) assert.ok(kernel.has(key), `${key} is read by the labos kernel`);
  for (const g of catalogue().guests) {
    const shell = g.params.find((p) => p.key === 'shell');
    assert.deepEqual(shell && { default: shell.default, min: shell.min, max: shell.max }, { default: 0, min: 0, max: 1 }, g.name);
    assert.equal(g.params.at(-1)?.key, 'shell', `${g.name}: its own parameters first`);
  }
  const own = parseGuestCatalogue({ kernelParams: [{ key: 'shell', default: 0, min: 0, max: 1, description: 'k' }], guests: [{ name: 'g', source: 'g.s', params: [{ key: 'shell', default: 1, min: 0, max: 1, description: 'own' }] }] });
  assert.deepEqual(own.guests[0].params.map((p) => p.description), ['own'], 'a program declaring the key itself keeps its own');
  assert.throws(() => parseGuestCatalogue({ kernelParams: [{ key: 'shell', default: 2, min: 0, max: 1, description: 'k' }], guests: [] }, 'guests.json'), /guests\.json: kernelParams\[0\]\.default/);
});

test('a malformed parameter declaration is refused, naming the field', () => {
  const bad = (params: unknown) => () => parseGuestCatalogue({ guests: [{ name: 'g', source: 'g.s', params }] }, 'guests.json');
  assert.throws(bad([{ key: 'n', default: 5, min: 10, max: 20, description: 'x' }]), (e: Error) => e instanceof GuestCatalogueError && /guests\[0\]\.params\[0\]\.default/.test(e.message));
  assert.throws(bad([{ key: 'Bad Key', default: 0, min: 0, max: 1, description: 'x' }]), /params\[0\]\.key/);
  assert.throws(bad([{ key: 'n', default: 0.5, min: 0, max: 1, description: 'x' }]), /params\[0\]\.default/);
  assert.throws(bad('n=1'), /guests\[0\]\.params/);
});
