/**
 * sshConnection — one SSH connection to a real host, reused for every command, over node-ssh (ssh2
 * underneath). The only module of the project that imports node-ssh or ssh2.
 *
 * - `new SshConnection(options)`; `await connect()` (rejects with a typed `SshError`); `state` and
 *   `onState(listener)` (`connecting` → `connected` → `disconnected` ⇄ `connecting` … → `closed`);
 *   `hostKey` ({ type, fingerprint }) once verified; `lastError`.
 * - `exec(argv, { stdin?, timeoutMs? })` → `{ stdout, stderr, code }`: one remote command from an argument
 *   vector (`shellQuote.ts`), never a string; output decoded as UTF-8 after the whole of it arrived.
 * - `open(argv, { pty? })` → `RemoteProcess`: a long-running command (`virsh event --loop`, `virsh
 *   console`) whose output arrives as it comes and that can be written to and closed.
 * - `scanHostKey({ host, port })` → the key a server presents, without authenticating (the Add Host
 *   wizard shows its fingerprint before anything secret is sent).
 *
 * Rules:
 * - Host keys (`knownHosts.ts`): policy `known` accepts only stored keys; `acceptNew` also trusts and
 *   records an unknown key; `expect` accepts exactly the fingerprint the user was shown (recording it if
 *   new). A changed key is always refused (`hostKeyChanged`, with both fingerprints); the credentials
 *   are never sent to a host whose key was refused.
 * - Timeouts: connecting (TCP + handshake + authentication) `connectTimeoutMs`; each command
 *   `commandTimeoutMs` (its channel is closed and the call rejects with `commandTimeout`); a silent peer
 *   is detected by SSH keepalives (`keepaliveIntervalMs` × `keepaliveCountMax`).
 * - At most `maxChannels` channels at once (sshd's MaxSessions is 10 by default); more calls wait.
 * - A connection lost after it was up is re-established with exponential backoff (`reconnect`); while it
 *   is down, calls are refused at once with `disconnected` (they never queue behind a dead host).
 *   Authentication failures and refused host keys stop reconnecting: they will not heal by waiting.
 * - Secrets (passwords, key passphrases) live only in `options`; no message, log line or error carries them.
 */
import { NodeSSH } from 'node-ssh';
import type { Config } from 'node-ssh';
import type { ClientChannel } from 'ssh2';
import { PassThrough } from 'node:stream';
import { commandLine } from './shellQuote';
import type { KnownHosts } from './knownHosts';
import { fingerprintOf, hostPatternOf, keyTypeOf } from './knownHosts';

export type SshAuth =
  | { method: 'key'; privateKeyPath: string; passphrase?: string }
  | { method: 'agent'; socket?: string }
  | { method: 'password'; password: string };

export type HostKeyPolicy =
  | { mode: 'known' }
  | { mode: 'acceptNew' }
  | { mode: 'expect'; fingerprint: string };

export type SshErrorKind =
  | 'hostKeyUnknown' | 'hostKeyChanged' | 'hostKeyMismatch'
  | 'auth' | 'timeout' | 'unreachable' | 'disconnected' | 'commandTimeout' | 'closed';

/** A failure of the SSH layer, typed so callers can show it as vSphere does (and the CLI pick its exit code). */
export class SshError extends Error {
  constructor(readonly kind: SshErrorKind, message: string, readonly hostKey?: { type: string; fingerprint: string; knownFingerprints?: string[] }) {
    super(message);
    this.name = 'SshError';
  }
}

export interface SshOptions {
  host: string;
  port: number;
  username: string;
  auth: SshAuth;
  knownHosts: KnownHosts;
  hostKeyPolicy: HostKeyPolicy;
  connectTimeoutMs?: number;
  commandTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  maxChannels?: number;
  /** Backoff for re-establishing a lost connection; false: stay disconnected. */
  reconnect?: { initialDelayMs: number; maxDelayMs: number } | false;
}

export const SSH_DEFAULTS = {
  connectTimeoutMs: 10_000,
  commandTimeoutMs: 30_000,
  keepaliveIntervalMs: 10_000,
  keepaliveCountMax: 3,
  maxChannels: 8,
  reconnect: { initialDelayMs: 1_000, maxDelayMs: 30_000 },
} as const;

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'disconnected' | 'closed';

export interface ExecResult { stdout: string; stderr: string; code: number | null }

export interface RemoteProcess {
  onData(listener: (chunk: Buffer) => void): void;
  onStderr(listener: (chunk: Buffer) => void): void;
  onClose(listener: (code: number | null) => void): void;
  write(data: string | Buffer): void;
  close(): void;
}

/** HVLAB_DEBUG_SSH=1 traces each command (program and first argument, duration, exit code) on stderr; never stdin or secrets. */
const TRACE = process.env.HVLAB_DEBUG_SSH === '1';

/** What the remote command was, for messages: the program and its first argument, never stdin. */
function describe(argv: readonly string[]): string {
  const text = argv.slice(0, 2).join(' ');
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Maps what ssh2 and the socket layer throw onto the kinds the lab shows. */
function classify(e: unknown, where: string): SshError {
  if (e instanceof SshError) return e;
  const message = errorText(e);
  const code = (e as { code?: string; level?: string } | null)?.code;
  const level = (e as { level?: string } | null)?.level;
  if (level === 'client-authentication' || /authentication methods failed/i.test(message)) {
    return new SshError('auth', `authentication to ${where} failed (${message})`);
  }
  if (/timed out|ETIMEDOUT|No response from server/i.test(message) || code === 'ETIMEDOUT') {
    return new SshError('timeout', `${where} did not answer in time (${message})`);
  }
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ECONNRESET') {
    return new SshError('unreachable', `cannot reach ${where} (${code})`);
  }
  if (/privateKey|passphrase|Cannot parse privateKey|Encrypted private/i.test(message)) {
    return new SshError('auth', `the private key could not be used (${message})`);
  }
  return new SshError('unreachable', `connection to ${where} failed (${message})`);
}

export class SshConnection {
  private ssh: NodeSSH | null = null;
  private stateValue: ConnectionState = 'idle';
  private readonly stateListeners = new Set<(state: ConnectionState, error?: SshError) => void>();
  private readonly waiting: (() => void)[] = [];
  private channelsInUse = 0;
  private readonly live = new Set<{ fail(e: SshError): void }>();
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private reconnectDelay: number;
  private refusedKey: SshError | null = null;
  hostKey: { type: string; fingerprint: string } | undefined;
  lastError: SshError | undefined;

  constructor(private readonly options: SshOptions) {
    this.reconnectDelay = this.reconnectPolicy()?.initialDelayMs ?? 0;
  }

  get state(): ConnectionState { return this.stateValue; }
  /** Read through a method: `close()` may run while `connect()` awaits, which flow analysis cannot see. */
  private isClosed(): boolean { return this.stateValue === 'closed'; }
  get target(): string { return `${this.options.username}@${hostPatternOf(this.options.host, this.options.port)}`; }

  onState(listener: (state: ConnectionState, error?: SshError) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  private setState(state: ConnectionState, error?: SshError): void {
    if (error) this.lastError = error;
    if (this.stateValue === state && !error) return;
    this.stateValue = state;
    for (const l of [...this.stateListeners]) l(state, error);
  }

  private reconnectPolicy(): { initialDelayMs: number; maxDelayMs: number } | undefined {
    return this.options.reconnect === false ? undefined : (this.options.reconnect ?? SSH_DEFAULTS.reconnect);
  }

  /** Decides on the key the server presented, per the policy; records why it refused. */
  private verifyHostKey(blob: Buffer): boolean {
    const { knownHosts, hostKeyPolicy: policy, host, port } = this.options;
    const type = keyTypeOf(blob);
    const fingerprint = fingerprintOf(blob);
    const check = knownHosts.check(host, port, blob);
    const where = hostPatternOf(host, port);
    this.refusedKey = null;
    if (check.status === 'changed') {
      this.refusedKey = new SshError('hostKeyChanged',
        `WARNING: the host key of ${where} has changed: it presented ${type} ${fingerprint}, but the lab's known hosts `
        + `(${knownHosts.path}) hold ${check.knownFingerprints.join(', ')}. Someone may be intercepting the connection, `
        + 'or the host was reinstalled. The connection was refused; remove the old key from the known-hosts file only if you know the change is genuine.',
        { type, fingerprint, knownFingerprints: check.knownFingerprints });
      return false;
    }
    if (check.status === 'known') {
      this.hostKey = { type, fingerprint };
      return true;
    }
    if (policy.mode === 'acceptNew' || (policy.mode === 'expect' && policy.fingerprint === fingerprint)) {
      knownHosts.trust(host, port, blob);
      this.hostKey = { type, fingerprint };
      return true;
    }
    if (policy.mode === 'expect') {
      this.refusedKey = new SshError('hostKeyMismatch',
        `the host key of ${where} is ${type} ${fingerprint}, not the ${policy.fingerprint} that was accepted; the connection was refused`,
        { type, fingerprint });
      return false;
    }
    this.refusedKey = new SshError('hostKeyUnknown',
      `the host key of ${where} is not known: ${type} ${fingerprint}. Check it and accept it to trust it from now on.`,
      { type, fingerprint });
    return false;
  }

  private config(): Config {
    const o = this.options;
    const base: Config = {
      host: o.host, port: o.port, username: o.username,
      readyTimeout: o.connectTimeoutMs ?? SSH_DEFAULTS.connectTimeoutMs,
      keepaliveInterval: o.keepaliveIntervalMs ?? SSH_DEFAULTS.keepaliveIntervalMs,
      keepaliveCountMax: o.keepaliveCountMax ?? SSH_DEFAULTS.keepaliveCountMax,
      hostVerifier: (key: Buffer) => this.verifyHostKey(key),
    };
    switch (o.auth.method) {
      case 'key': return { ...base, privateKeyPath: o.auth.privateKeyPath, passphrase: o.auth.passphrase };
      case 'agent': {
        const socket = o.auth.socket ?? process.env.SSH_AUTH_SOCK;
        if (!socket) throw new SshError('auth', 'ssh-agent authentication was chosen, but no agent is running (SSH_AUTH_SOCK is not set)');
        return { ...base, agent: socket };
      }
      case 'password': return { ...base, password: o.auth.password, tryKeyboard: true };
    }
  }

  /** Connects (or reconnects); rejects with an SshError and leaves the state `disconnected`. */
  async connect(): Promise<void> {
    if (this.stateValue === 'closed') throw new SshError('closed', `the connection to ${this.target} was closed`);
    if (this.stateValue === 'connected') return;
    this.setState('connecting');
    const ssh = new NodeSSH();
    try {
      await ssh.connect(this.config());
    } catch (e) {
      const error = this.refusedKey ?? (e instanceof SshError ? e : classify(e, this.target));
      this.setState(this.isClosed() ? 'closed' : 'disconnected', error);
      ssh.dispose();
      throw error;
    }
    if (this.isClosed()) { ssh.dispose(); throw new SshError('closed', `the connection to ${this.target} was closed`); }
    this.ssh = ssh;
    const client = ssh.connection!;
    client.on('error', (e) => { this.lastError = classify(e, this.target); });
    client.on('close', () => this.lost(ssh));
    this.reconnectDelay = this.reconnectPolicy()?.initialDelayMs ?? 0;
    this.setState('connected');
  }

  private lost(ssh: NodeSSH): void {
    if (this.ssh !== ssh) return;
    this.ssh = null;
    const error = new SshError('disconnected', `the connection to ${this.target} was lost${this.lastError ? ` (${this.lastError.message})` : ''}`);
    for (const op of [...this.live]) op.fail(error);
    if (this.stateValue === 'closed') return;
    this.setState('disconnected', error);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const policy = this.reconnectPolicy();
    if (!policy || this.reconnectTimer || this.stateValue === 'closed') return;
    const delay = this.reconnectDelay;
    this.reconnectDelay = Math.min(policy.maxDelayMs, Math.max(policy.initialDelayMs, delay * 2));
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect().catch((e: SshError) => {
        if (e.kind === 'auth' || e.kind.startsWith('hostKey') || e.kind === 'closed') return;
        this.scheduleReconnect();
      });
    }, delay);
    this.reconnectTimer.unref?.();
  }

  /** Reconnects now (the user's "Reconnect"), resetting the backoff. */
  async reconnectNow(): Promise<void> {
    if (this.reconnectTimer) { clearTimeout(this.reconnectTimer); this.reconnectTimer = null; }
    this.reconnectDelay = this.reconnectPolicy()?.initialDelayMs ?? 0;
    await this.connect();
  }

  private async acquire(): Promise<void> {
    const max = this.options.maxChannels ?? SSH_DEFAULTS.maxChannels;
    if (this.channelsInUse < max) { this.channelsInUse++; return; }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.channelsInUse++;
  }

  private release(): void {
    this.channelsInUse--;
    this.waiting.shift()?.();
  }

  private connected(argv: readonly string[]): NodeSSH {
    if (this.stateValue === 'closed') throw new SshError('closed', `the connection to ${this.target} was closed`);
    if (!this.ssh) throw new SshError('disconnected', `${this.target} is not connected; "${describe(argv)}" was not run`);
    return this.ssh;
  }

  async exec(argv: readonly string[], opts: { stdin?: string; timeoutMs?: number } = {}): Promise<ExecResult> {
    this.connected(argv);
    const queuedAt = Date.now();
    await this.acquire();
    if (TRACE) console.error(`[ssh ${this.target}] exec ${describe(argv)} (waited ${Date.now() - queuedAt} ms for a channel, ${this.channelsInUse} in use)`);
    try {
      const ssh = this.connected(argv);
      const timeoutMs = opts.timeoutMs ?? this.options.commandTimeoutMs ?? SSH_DEFAULTS.commandTimeoutMs;
      let channel: ClientChannel | undefined;
      let failed: ((e: SshError) => void) | undefined;
      const op = { fail: (e: SshError) => failed?.(e) };
      this.live.add(op);
      try {
        return await new Promise<ExecResult>((resolve, reject) => {
          failed = reject;
          const timer = setTimeout(() => {
            channel?.close();
            reject(new SshError('commandTimeout', `"${describe(argv)}" on ${this.target} did not finish within ${Math.round(timeoutMs / 1000)} s`));
          }, timeoutMs);
          // latin1 keeps every byte; the whole output is decoded as UTF-8 once (a character split
          // across two packets stays whole).
          ssh.execCommand(commandLine(argv), {
            stdin: opts.stdin, encoding: 'latin1', noTrim: true, onChannel: (c) => { channel = c; },
          }).then((r) => {
            clearTimeout(timer);
            if (TRACE) console.error(`[ssh ${this.target}] done ${describe(argv)} code ${String(r.code)} after ${Date.now() - queuedAt} ms`);
            resolve({ stdout: Buffer.from(r.stdout, 'latin1').toString('utf8'), stderr: Buffer.from(r.stderr, 'latin1').toString('utf8'), code: r.code });
          }, (e: unknown) => { clearTimeout(timer); reject(classify(e, this.target)); });
        });
      } finally {
        this.live.delete(op);
      }
    } finally {
      this.release();
    }
  }

  async open(argv: readonly string[], opts: { pty?: boolean } = {}): Promise<RemoteProcess> {
    const ssh = this.connected(argv);
    await this.acquire();
    const stdin = new PassThrough();
    const data = new Set<(c: Buffer) => void>();
    const errs = new Set<(c: Buffer) => void>();
    const closes = new Set<(code: number | null) => void>();
    let channel: ClientChannel | undefined;
    let closed = false;
    const finish = (code: number | null) => {
      if (closed) return;
      closed = true;
      this.live.delete(op);
      this.release();
      for (const l of [...closes]) l(code);
    };
    const op = { fail: () => { channel?.close(); finish(null); } };
    this.live.add(op);
    let opened!: () => void;
    let openFailed!: (e: SshError) => void;
    const ready = new Promise<void>((resolve, reject) => { opened = resolve; openFailed = reject; });
    ssh.execCommand(commandLine(argv), {
      stdin, noTrim: true, encoding: 'latin1',
      execOptions: opts.pty ? { pty: { term: 'dumb', cols: 200, rows: 50 } } : {},
      onChannel: (c) => { channel = c; opened(); },
      onStdout: (c) => { for (const l of [...data]) l(c); },
      onStderr: (c) => { for (const l of [...errs]) l(c); },
    }).then((r) => finish(r.code), (e: unknown) => { const err = classify(e, this.target); openFailed(err); finish(null); });
    await ready;
    return {
      onData: (l) => { data.add(l); },
      onStderr: (l) => { errs.add(l); },
      onClose: (l) => { if (closed) l(null); else closes.add(l); },
      write: (d) => { if (!closed) stdin.write(d); },
      close: () => { if (!closed) { stdin.end(); channel?.close(); } },
    };
  }

  async close(): Promise<void> {
    if (this.reconnectTimer) { clearTimeout(this.reconnectTimer); this.reconnectTimer = null; }
    const ssh = this.ssh;
    this.ssh = null;
    this.setState('closed');
    const error = new SshError('closed', `the connection to ${this.target} was closed`);
    for (const op of [...this.live]) op.fail(error);
    ssh?.dispose();
  }
}

/** The host key a server presents, without authenticating (nothing secret is sent). */
export async function scanHostKey(target: { host: string; port: number; timeoutMs?: number }): Promise<{ type: string; fingerprint: string; blob: Buffer }> {
  const ssh = new NodeSSH();
  let seen: Buffer | undefined;
  try {
    await ssh.connect({
      host: target.host, port: target.port, username: 'hvlab-host-key-scan',
      readyTimeout: target.timeoutMs ?? SSH_DEFAULTS.connectTimeoutMs,
      hostVerifier: (key: Buffer) => { seen = Buffer.from(key); return false; },
    });
  } catch (e) {
    if (!seen) throw classify(e, hostPatternOf(target.host, target.port));
  } finally {
    ssh.dispose();
  }
  if (!seen) throw new SshError('unreachable', `${hostPatternOf(target.host, target.port)} presented no host key`);
  return { type: keyTypeOf(seen), fingerprint: fingerprintOf(seen), blob: seen };
}
