/**
 * Sessions of the vim25 endpoint: login with the lab's user and password, the `vmware_soap_session`
 * cookie, idle expiry, and failed logins slowed down.
 *
 * - `new SessionStore({ user, password, idleTimeoutMs, failedLoginDelayMs, maxSessions })`; `password` is
 *   the password or a `PasswordCheck` (a stored hash).
 * - `login(user, password, from)` → Session, or throws InvalidLogin after the failure delay (the delay
 *   doubles with each consecutive failure up to a cap, and resets on success).
 * - `fromCookie(header)` → Session | undefined (touches it); `logout(session)`; `sweep()` drops idle ones.
 * - `Session`: key, user, times, plus the objects it owns (views, filters, collectors, history collectors,
 *   paged retrieval tokens), which die with it.
 *
 * Rules: passwords are compared in constant time and never logged; session keys are 128-bit random;
 * `cookieFor(session)` is what Set-Cookie carries.
 */
import { randomBytes, randomUUID, timingSafeEqual, createHash } from 'node:crypto';
import { VimFault } from './faults';

export interface SessionOwned {
  /** Called when the session ends (logout, expiry): waiters are released, state dropped. */
  dispose?(): void;
}

export interface Session {
  key: string;
  userName: string;
  loginTimeMs: number;
  lastActiveMs: number;
  callCount: number;
  ipAddress: string;
  userAgent: string;
  /** Session-scoped managed objects (ContainerView, PropertyFilter, PropertyCollector, EventHistoryCollector…) by id. */
  objects: Map<string, SessionOwned & { type: string }>;
  nextObjectNumber: number;
  alive: boolean;
}

/** A password known only by a way to check it (a salted hash: `passwordHash.ts`). */
export interface PasswordCheck {
  verify(candidate: string): Promise<boolean>;
}

export interface SessionOptions {
  user: string;
  /** The password itself (the command line's), or a check against a stored hash (the settings'). */
  password: string | PasswordCheck;
  /** vSphere's default idle timeout is 30 minutes. */
  idleTimeoutMs?: number;
  /** First failed-login delay; doubles with each consecutive failure. */
  failedLoginDelayMs?: number;
  maxFailedLoginDelayMs?: number;
  maxSessions?: number;
}

export const SESSION_COOKIE = 'vmware_soap_session';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private consecutiveFailures = 0;
  readonly idleTimeoutMs: number;
  private readonly failedDelayMs: number;
  private readonly maxFailedDelayMs: number;
  private readonly maxSessions: number;

  constructor(private readonly opts: SessionOptions) {
    this.idleTimeoutMs = opts.idleTimeoutMs ?? 30 * 60_000;
    this.failedDelayMs = opts.failedLoginDelayMs ?? 500;
    this.maxFailedDelayMs = opts.maxFailedLoginDelayMs ?? 8_000;
    this.maxSessions = opts.maxSessions ?? 200;
  }

  get user(): string { return this.opts.user; }

  /** Delay the next failed login will cost. */
  nextFailureDelayMs(): number {
    return Math.min(this.maxFailedDelayMs, this.failedDelayMs * 2 ** Math.min(this.consecutiveFailures, 20));
  }

  async login(user: string, password: string, from: { ip: string; userAgent: string }, nowMs = Date.now()): Promise<Session | undefined> {
    const userOk = sameSecret(user, this.opts.user);
    const expected = this.opts.password;
    // The password is checked whatever the user name, so a wrong name costs the same as a wrong password.
    const passwordOk = typeof expected === 'string' ? sameSecret(password, expected) : await expected.verify(password);
    const ok = userOk && passwordOk;
    if (!ok) {
      const delay = this.nextFailureDelayMs();
      this.consecutiveFailures++;
      await new Promise((r) => setTimeout(r, delay));
      return undefined;
    }
    this.consecutiveFailures = 0;
    this.sweep(nowMs);
    if (this.sessions.size >= this.maxSessions) {
      // The least recently used session makes room (a script that never logs out must not lock others out).
      let oldest: Session | undefined;
      for (const s of this.sessions.values()) if (!oldest || s.lastActiveMs < oldest.lastActiveMs) oldest = s;
      if (oldest) this.end(oldest);
    }
    const s: Session = {
      key: randomUUID(), userName: user, loginTimeMs: nowMs, lastActiveMs: nowMs, callCount: 0,
      ipAddress: from.ip, userAgent: from.userAgent.slice(0, 200), objects: new Map(), nextObjectNumber: 1, alive: true,
    };
    this.sessions.set(s.key, s);
    return s;
  }

  /** The session named by a Cookie header (pyvmomi sends back the whole Set-Cookie value). */
  fromCookie(header: string | undefined, nowMs = Date.now()): Session | undefined {
    if (!header) return undefined;
    for (const part of header.split(';')) {
      const eq = part.indexOf('=');
      if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
      const key = part.slice(eq + 1).trim().replace(/^"|"$/g, '');
      const s = this.sessions.get(key);
      if (!s) return undefined;
      if (nowMs - s.lastActiveMs > this.idleTimeoutMs) { this.end(s); return undefined; }
      s.lastActiveMs = nowMs;
      s.callCount++;
      return s;
    }
    return undefined;
  }

  cookieFor(s: Session): string {
    return `${SESSION_COOKIE}="${s.key}"; Path=/; HttpOnly; Secure;`;
  }

  logout(s: Session): void { this.end(s); }

  sweep(nowMs = Date.now()): void {
    for (const s of [...this.sessions.values()]) if (nowMs - s.lastActiveMs > this.idleTimeoutMs) this.end(s);
  }

  all(): Session[] { return [...this.sessions.values()]; }

  endAll(): void { for (const s of [...this.sessions.values()]) this.end(s); }

  private end(s: Session): void {
    s.alive = false;
    this.sessions.delete(s.key);
    for (const o of s.objects.values()) o.dispose?.();
    s.objects.clear();
  }
}

/** Most objects (views, filters, collectors, paged results) one session may hold at once. */
export const MAX_SESSION_OBJECTS = 10_000;

/** A session-scoped object id, as vCenter writes them: `session[KEY]suffix`; refused past the cap. */
export function sessionObjectId(s: Session, suffix: string): string {
  if (s.objects.size >= MAX_SESSION_OBJECTS) {
    throw new VimFault('InvalidState', `this session already holds ${MAX_SESSION_OBJECTS} views, filters and collectors: destroy some first`);
  }
  return `session[${s.key}]${suffix}${s.nextObjectNumber++}`;
}

/** Characters of a generated password: letters and digits only, so it never reads as a command-line
 *  option (base64url's `-` first made `power.py host user -h…` an argparse error) and needs no quoting. */
const PASSWORD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** 17 of 62 characters: ~101 bits, more than the 96 of the 12 random bytes it replaced. */
const PASSWORD_LENGTH = 17;

/** A fresh random password (printed once when the endpoint starts, kept in the lab's data folder): each
 *  character uniform over PASSWORD_ALPHABET (bytes ≥ 248 = 4 × 62 are drawn again, so none is favoured). */
export function randomPassword(): string {
  let out = '';
  while (out.length < PASSWORD_LENGTH) {
    for (const b of randomBytes(32)) {
      if (b < 4 * PASSWORD_ALPHABET.length && out.length < PASSWORD_LENGTH) out += PASSWORD_ALPHABET[b % PASSWORD_ALPHABET.length];
    }
  }
  return out;
}
