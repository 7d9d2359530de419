/**
 * The vim25 SDK endpoint's settings as the client sees them (Administration › SDK endpoint): whether it is
 * on, its port and user, whether a password is set (never the password), and what runs now — the URL and
 * the certificate's thumbprints SDK clients pin.
 *
 * - `Vim25SettingsDto`: the `vim25.settings` query's answer (and `vim25.configure`'s).
 * - `VIM25_PORT_MIN`/`MAX`, `VIM25_USER_RULE`, `VIM25_PASSWORD_MIN`/`MAX`: the limits the contract checks.
 * - `vim25SettingsProblems(form)` → `{ port?, user?, password? }`: what is wrong with a form, in the
 *   user's words (the client shows them beside the fields; the server's schema is the gate).
 *
 * Rule: kept in the application's settings on this computer, never in a lab document; the password is
 * kept only as a salted hash.
 */
export const VIM25_PORT_MIN = 1024;
export const VIM25_PORT_MAX = 65_535;
export const VIM25_DEFAULT_PORT = 5443;
export const VIM25_USER_RULE = /^[A-Za-z0-9._@-]{1,64}$/;
export const VIM25_PASSWORD_MIN = 8;
export const VIM25_PASSWORD_MAX = 128;
/** Printable characters only (no controls): what a password may hold. */
export const VIM25_PASSWORD_RULE = /^[^\u0000-\u001f\u007f]+$/;

export interface Vim25SettingsDto {
  /** The saved setting: start the endpoint with the lab. */
  enabled: boolean;
  port: number;
  user: string;
  /** A password is set for `user` (the password itself is never sent back). */
  passwordSet: boolean;
  /** What runs now. `failed`: enabled but could not start (`problem` says why). */
  state: 'stopped' | 'running' | 'failed';
  /** Who started what runs: the saved settings, or `hvlab serve --vim25-port` for this run only. */
  startedBy?: 'settings' | 'command line';
  /** Running: `https://127.0.0.1:PORT/sdk`, and the port and user actually in use. */
  url?: string;
  runningPort?: number;
  runningUser?: string;
  /** The endpoint certificate's thumbprints (`AB:CD:…`), as vSphere clients show and pin them. */
  thumbprintSha1?: string;
  thumbprintSha256?: string;
  problem?: string;
}

export interface Vim25SettingsForm {
  enabled: boolean;
  port: number;
  user: string;
  password?: string;
}

export function vim25SettingsProblems(form: Vim25SettingsForm, passwordSet: boolean): { port?: string; user?: string; password?: string } {
  const out: { port?: string; user?: string; password?: string } = {};
  if (!Number.isInteger(form.port) || form.port < VIM25_PORT_MIN || form.port > VIM25_PORT_MAX) {
    out.port = `Enter a port from ${VIM25_PORT_MIN} to ${VIM25_PORT_MAX} (ports below ${VIM25_PORT_MIN} need administrator rights).`;
  }
  if (!VIM25_USER_RULE.test(form.user)) out.user = 'Enter a user name of 1–64 letters, digits, dots, dashes, underscores or @.';
  const pw = form.password;
  if (pw !== undefined && pw !== '') {
    if (pw.length < VIM25_PASSWORD_MIN || pw.length > VIM25_PASSWORD_MAX) out.password = `The password must be ${VIM25_PASSWORD_MIN}–${VIM25_PASSWORD_MAX} characters long.`;
    else if (!VIM25_PASSWORD_RULE.test(pw)) out.password = 'The password must not contain control characters.';
  } else if (form.enabled && !passwordSet) {
    out.password = 'Set a password for the SDK user before turning the endpoint on.';
  }
  return out;
}
