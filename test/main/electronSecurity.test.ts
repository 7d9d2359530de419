// Electron hardening without an Electron binary: the handlers are driven with stand-ins for the
// WebContents and Session objects they are installed on, the packaging config is checked for its
// fuses, and the one Content-Security-Policy is checked in its two forms (Electron: no connections;
// browser mode: its loopback WebSocket) and in the built page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { hardenWebContents, installPermissionHandlers, isAllowedExternalUrl, isTrustedSender } from '../../src-main/electron/security';
import { browserIndexHtml, contentSecurityPolicy } from '../../src-main/node/server/staticFiles';

const root = resolve(import.meta.dirname, '../..');

/** A stand-in for WebContents: records listeners and the window-open handler. */
function fakeContents() {
  const listeners = new Map<string, ((...a: unknown[]) => void)[]>();
  let openHandler: ((d: { url: string }) => { action: string }) | undefined;
  const contents = {
    on(event: string, l: (...a: unknown[]) => void) { listeners.set(event, [...(listeners.get(event) ?? []), l]); return contents; },
    setWindowOpenHandler(h: (d: { url: string }) => { action: string }) { openHandler = h; },
  };
  const fire = (event: string, ...args: unknown[]): boolean => {
    let prevented = false;
    const e = { preventDefault: () => { prevented = true; }, ...(typeof args[0] === 'object' ? args.shift() as object : {}) };
    for (const l of listeners.get(event) ?? []) l(e, ...args);
    return prevented;
  };
  return { contents, fire, open: (url: string) => openHandler!({ url }) };
}

test('every web contents: no navigation, subframe navigation, redirect, webview or new window', () => {
  const opened: string[] = [];
  const f = fakeContents();
  hardenWebContents(f.contents as never, { openExternal: (u) => opened.push(u) });
  assert.equal(f.fire('will-navigate', 'https://evil.example/'), true);
  assert.equal(f.fire('will-navigate', 'file:///etc/passwd'), true);
  assert.equal(f.fire('will-frame-navigate', { isMainFrame: false, url: 'https://evil.example/' }), true);
  assert.equal(f.fire('will-frame-navigate', { isMainFrame: true, url: 'file:///app/index.html' }), false, 'the main frame is governed by will-navigate');
  assert.equal(f.fire('will-redirect', 'https://evil.example/'), true);
  assert.equal(f.fire('will-attach-webview'), true);
  assert.deepEqual(f.open('https://evil.example/'), { action: 'deny' });
  assert.deepEqual(f.open('https://docs.vmware.com/en/VMware-vSphere/'), { action: 'deny' }, 'never a window of ours…');
  assert.deepEqual(opened, ['https://docs.vmware.com/en/VMware-vSphere/'], '…allow-listed links go to the system browser');
  f.fire('will-navigate', 'https://techdocs.broadcom.com/x');
  assert.equal(opened.length, 2);
});

test('external links: https to an allow-listed host only, no credentials or ports', () => {
  assert.equal(isAllowedExternalUrl('https://docs.vmware.com/en/'), true);
  for (const bad of ['http://docs.vmware.com/', 'https://docs.vmware.com.evil.example/', 'https://user:pw@docs.vmware.com/', 'https://docs.vmware.com:8443/',
    'file:///etc/passwd', 'javascript:alert(1)', 'not a url', 'https://evil.example/?docs.vmware.com']) {
    assert.equal(isAllowedExternalUrl(bad), false, bad);
  }
});

test('permission requests and checks are denied by default', () => {
  const calls: boolean[] = [];
  let check: ((...a: unknown[]) => boolean) | undefined;
  let device: ((...a: unknown[]) => boolean) | undefined;
  installPermissionHandlers({
    setPermissionRequestHandler: (h) => { for (const p of ['media', 'notifications', 'clipboard-read', 'hid', 'serial', 'geolocation']) h({}, p, (g) => calls.push(g), {}); },
    setPermissionCheckHandler: (h) => { check = h as never; },
    setDevicePermissionHandler: (h) => { device = h as never; },
  });
  assert.deepEqual(calls, [false, false, false, false, false, false]);
  assert.equal(check!({}, 'media', 'file://', {}), false);
  assert.equal(device!({}), false);
});

test('IPC senders: the main frame of the app page only', () => {
  const app = 'file:///opt/hvlab/out/renderer/index.html';
  assert.equal(isTrustedSender({ url: `${app}#/host/host-1`, parent: null }, app), true);
  assert.equal(isTrustedSender({ url: app, parent: { url: app } }, app), false);
  assert.equal(isTrustedSender({ url: 'file:///home/user/Downloads/evil.html', parent: null }, app), false);
  assert.equal(isTrustedSender(null, app), false);
});

test('packaging flips the Electron fuses', () => {
  const config = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as { electronFuses?: Record<string, boolean>; asar?: boolean };
  assert.equal(config.asar, true);
  assert.deepEqual(
    { ...config.electronFuses },
    {
      runAsNode: false, enableNodeOptionsEnvironmentVariable: false, enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true, onlyLoadAppFromAsar: true, enableCookieEncryption: true,
      loadBrowserProcessSpecificV8Snapshot: false,
    },
  );
});

test('one CSP: Electron allows no connections, browser mode only its loopback WebSocket; the page carries the Electron one', () => {
  const electron = contentSecurityPolicy('electron');
  const browser = contentSecurityPolicy('browser');
  assert.match(electron, /connect-src 'none'/);
  assert.doesNotMatch(electron, /ws:/);
  assert.match(browser, /connect-src 'self' ws:\/\/127\.0\.0\.1:\* ws:\/\/localhost:\*/);
  for (const p of [electron, browser]) {
    assert.match(p, /script-src 'self'/);
    assert.doesNotMatch(p, /unsafe-(inline|eval)/);
    assert.match(p, /object-src 'none'/);
  }
  assert.doesNotMatch(contentSecurityPolicy('electron', 'meta'), /frame-ancestors/, 'not valid in a <meta> tag');
  const source = readFileSync(join(root, 'src-renderer', 'index.html'), 'utf8');
  assert.match(source, /<!-- hvlab:csp -->/, 'the page gets its policy from the build, not from a second copy');
  const built = source.replace('<!-- hvlab:csp -->', `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy('electron', 'meta')}" />`);
  assert.doesNotMatch(browserIndexHtml(built), /Content-Security-Policy/, 'browser mode serves the page without the Electron tag');
});
