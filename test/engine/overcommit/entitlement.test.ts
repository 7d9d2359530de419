/**
 * Min-funding revocation with the idle memory tax (Waldspurger 2002 §5.2): who gives memory back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { revoke, type RevocationInput } from '../../../src-main/engine/overcommit/index';

const vm = (o: Partial<RevocationInput>): RevocationInput => ({ shares: 1000, pages: 1000, reservedPages: 0, limitPages: Infinity, activeFraction: 1, ...o });

test('equal shares, equally active: the pages are taken evenly', () => {
  const take = revoke([vm({}), vm({})], 400, 0.75);
  assert.equal(take[0] + take[1], 400);
  assert.ok(Math.abs(take[0] - take[1]) <= Math.ceil(400 / 64), `${take}`);
});

test('the idle memory tax takes from the idle VM first; τ = 0 is pure shares', () => {
  const idle = vm({ activeFraction: 0.1 });
  const busy = vm({ activeFraction: 1 });
  const taxed = revoke([idle, busy], 400, 0.75);
  assert.equal(taxed[0] + taxed[1], 400);
  assert.ok(taxed[0] >= 0.9 * 400, `the idle VM gives nearly everything at τ = 75 %: ${taxed}`);
  const untaxed = revoke([idle, busy], 400, 0);
  assert.ok(Math.abs(untaxed[0] - untaxed[1]) <= Math.ceil(400 / 64), `without the tax activity does not matter: ${untaxed}`);
});

test('more shares keep more memory; a reservation is never taken; a VM over its limit gives the excess first', () => {
  const rich = vm({ shares: 3000 });
  const poor = vm({ shares: 1000 });
  const t = revoke([rich, poor], 600, 0.75);
  assert.ok(t[1] > t[0], `the VM with fewer shares gives more: ${t}`);
  const reserved = revoke([vm({ reservedPages: 900 }), vm({})], 1500, 0.75);
  assert.ok(reserved[0] <= 100, `the reservation stays: ${reserved}`);
  assert.equal(reserved[0] + reserved[1], 1100, 'no more than exists above reservations');
  const limited = revoke([vm({ limitPages: 700 }), vm({})], 300, 0.75);
  assert.deepEqual(limited, [300, 0], 'the 300 pages over the limit go first');
});
