/**
 * Electron hardening, as functions of the objects they act on (so tests drive them with stand-ins and
 * no Electron binary): what a web page of this app may do beyond rendering — nothing, by default.
 *
 * - `installPermissionHandlers(session)`: every permission request (camera, notifications, clipboard,
 *   HID, serial…) and permission check is denied; the lab needs none.
 * - `hardenWebContents(contents, { openExternal })`: for EVERY web contents (main window, and any other
 *   that ever appears — `app.on('web-contents-created')`): no navigation (main frame or subframe), no
 *   redirects, no <webview>, no new windows; a link to an allow-listed https site opens in the system
 *   browser instead.
 * - `isAllowedExternalUrl(url)`: https, no credentials, host in EXTERNAL_HOSTS.
 * - `isTrustedSender(frame, appUrl)`: an IPC message counts only if it comes from the MAIN frame of
 *   the app's own index.html (not any file:// page, not an iframe).
 *
 * Rules (Electron's security checklist): deny by default; one place lists what is allowed.
 */

/** Hosts the app may open in the system browser (vSphere documentation the UI's help may cite). */
export const EXTERNAL_HOSTS: readonly string[] = ['docs.vmware.com', 'techdocs.broadcom.com'];

export function isAllowedExternalUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return u.protocol === 'https:' && u.username === '' && u.password === '' && u.port === '' && EXTERNAL_HOSTS.includes(u.hostname);
}

/** The part of Electron's `Session` used here. */
export interface PermissionSession {
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void, details: unknown) => void): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string, origin: string, details: unknown) => boolean): void;
  setDevicePermissionHandler?(handler: (details: unknown) => boolean): void;
}

export function installPermissionHandlers(session: PermissionSession): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler?.(() => false);
}

interface PreventableEvent { preventDefault(): void }

/** The part of Electron's `WebContents` used here. */
export interface HardenableContents {
  on(event: 'will-navigate', listener: (event: PreventableEvent, url: string) => void): unknown;
  on(event: 'will-frame-navigate', listener: (event: PreventableEvent & { isMainFrame: boolean; url: string }) => void): unknown;
  on(event: 'will-redirect', listener: (event: PreventableEvent, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' } | { action: 'allow' }): void;
}

export function hardenWebContents(contents: HardenableContents, opts: { openExternal: (url: string) => unknown }): void {
  const external = (url: string) => { if (isAllowedExternalUrl(url)) void opts.openExternal(url); };
  // The app is one page with hash routing (no navigation): any navigation is refused; an allowed
  // external link goes to the system browser instead.
  contents.on('will-navigate', (event, url) => { event.preventDefault(); external(url); });
  contents.on('will-frame-navigate', (event) => { if (!event.isMainFrame) event.preventDefault(); });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => { external(url); return { action: 'deny' }; });
}

/** The part of Electron's `WebFrameMain` used here (`event.senderFrame`, null once the frame is gone). */
export interface SenderFrame {
  url: string;
  parent: unknown;
}

export function isTrustedSender(frame: SenderFrame | null | undefined, appUrl: string): boolean {
  if (!frame || frame.parent !== null) return false;
  let u: URL;
  try {
    u = new URL(frame.url);
  } catch {
    return false;
  }
  u.hash = '';
  u.search = '';
  return u.href === appUrl;
}
