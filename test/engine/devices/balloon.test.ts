// The balloon device's registers: pages given and taken back, what it refuses, its save and reboot.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BALLOON_CTRL, BALLOON_DEFLATE, BALLOON_INFLATE, BALLOON_SIZE, BALLOON_STATUS, BALLOON_TARGET, BalloonDevice, restoreBalloon, saveBalloon,
} from '../../../src-main/engine/devices/index';

const ctx = { cpu: 0, nowNs: 0 };

test('the driver registers, reads the target, gives pages and takes them back; the host collects what was given', () => {
  const b = new BalloonDevice(256);
  assert.equal(b.driverPresent, false);
  b.write(BALLOON_CTRL, 1, ctx);
  assert.equal(b.driverPresent, true);
  b.target = 1000;
  assert.equal(b.read(BALLOON_TARGET, ctx), 256, 'a target is at most the guest memory');
  b.target = 3;
  for (const g of [10, 11, 12]) b.write(BALLOON_INFLATE, g, ctx);
  assert.equal(b.read(BALLOON_SIZE, ctx), 3);
  b.write(BALLOON_DEFLATE, 11, ctx);
  assert.deepEqual(b.takeInflated(), [10, 12], 'a page taken back before the host collected it is not collected');
  assert.deepEqual(b.takeInflated(), []);
  assert.equal(b.read(BALLOON_STATUS, ctx), 0);
});

test('out-of-range, twice-given and never-given pages are refused and change nothing', () => {
  const b = new BalloonDevice(16);
  b.write(BALLOON_INFLATE, 16, ctx);
  assert.equal(b.read(BALLOON_STATUS, ctx), 1);
  b.write(BALLOON_STATUS, 0, ctx);
  b.write(BALLOON_INFLATE, 5, ctx);
  b.write(BALLOON_INFLATE, 5, ctx);
  assert.equal(b.read(BALLOON_STATUS, ctx), 1);
  b.write(BALLOON_DEFLATE, 6, ctx);
  b.write(BALLOON_INFLATE, -1, ctx);
  assert.equal(b.size, 1);
  assert.equal(b.metrics.refused, 4);
});

test('save and restore keep the pages held and pending; a reboot forgets the driver and its pages', () => {
  const b = new BalloonDevice(64);
  b.write(BALLOON_CTRL, 1, ctx);
  b.target = 4;
  for (const g of [1, 2, 3]) b.write(BALLOON_INFLATE, g, ctx);
  b.takeInflated();
  b.write(BALLOON_INFLATE, 9, ctx);
  const r = restoreBalloon(64, structuredClone(saveBalloon(b)));
  assert.deepEqual([...r.held], [1, 2, 3, 9]);
  assert.deepEqual(r.takeInflated(), [9]);
  assert.equal(r.target, 4);
  assert.equal(restoreBalloon(64, undefined).size, 0, 'a save without the device restores an empty balloon');
  r.reboot();
  assert.equal(r.size, 0);
  assert.equal(r.driverPresent, false);
  assert.equal(r.target, 4, 'the host keeps its target');
});
