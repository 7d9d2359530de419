/**
 * The SDK endpoint's start/stop controller: what Administration › SDK endpoint turns on and off. Both
 * browser mode (`hvlab serve`) and the Electron app start the endpoint through it, from the saved
 * settings (`settingsFile.ts`), or for one run from `--vim25-port` / `HVLAB_VIM25_PORT`.
 *
 * - `new Vim25Controller({ peer, dataDir, commandLinePort?, tuning? })`.
 * - `start()` → the endpoint started (command line first, else the settings when enabled), or undefined.
 *   Never throws: an endpoint that cannot start (port in use) is reported in `status().problem`.
 * - `status()` → `Vim25SettingsDto` (the settings, what runs, URL and certificate thumbprints; never the
 *   password or its hash).
 * - `configure({ enabled, port, user, password? })` → the new status, or throws `ApiException` naming the
 *   field (`params.password`: none set while turning it on; `params.port`: in use or not allowed). Saving
 *   restarts the endpoint, so SDK clients log in again.
 * - `close()`: stops the endpoint (on quit).
 *
 * Rules: a refused change changes nothing (the endpoint that ran before runs again, the file is not
 * written); changes are applied one at a time; the password is hashed here and goes no further.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiException, apiError } from '@shared/api/errors';
import type { Vim25SettingsDto, Vim25SettingsForm } from '@shared/model/vim25Settings';
import type { ContractPeer } from './labLink';
import { certificateThumbprints } from './certificate';
import { hashPassword, passwordHashCheck } from './passwordHash';
import { readVim25Settings, writeVim25Settings } from './settingsFile';
import type { Vim25StoredSettings } from './settingsFile';
import { startVim25 } from './startEndpoint';
import type { Vim25Endpoint, Vim25Options } from './startEndpoint';

export interface Vim25ControllerOptions {
  peer: ContractPeer;
  /** The lab's data folder: the settings file, the certificate, the command line's password. */
  dataDir: string;
  /** `--vim25-port` / `HVLAB_VIM25_PORT`: start on this port for this run (0 picks a free one), the password from `HVLAB_VIM25_PASSWORD` or the install's. */
  commandLinePort?: number;
  /** Session tuning (tests shorten the failed-login delay). */
  tuning?: Pick<Vim25Options, 'sessionIdleMs' | 'failedLoginDelayMs' | 'maxFailedLoginDelayMs'>;
}

type Running = { endpoint: Vim25Endpoint; by: 'settings' | 'command line' };

/** A start failure in the user's words, naming the port. */
function startProblem(e: unknown, port: number): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return `Port ${port} is in use by another program on this computer; choose another port.`;
  if (code === 'EACCES') return `Port ${port} needs administrator rights on this computer; choose a port from 1024 up.`;
  return `The endpoint could not start on port ${port}: ${e instanceof Error ? e.message : String(e)}`;
}

export class Vim25Controller {
  private settings: Vim25StoredSettings;
  private running: Running | undefined;
  private problem: string | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: Vim25ControllerOptions) {
    const r = readVim25Settings(opts.dataDir);
    this.settings = r.settings;
    this.problem = r.problem;
  }

  get endpoint(): Vim25Endpoint | undefined { return this.running?.endpoint; }

  start(): Promise<Vim25Endpoint | undefined> {
    return this.serial(async () => {
      if (this.running) return this.running.endpoint;
      const byCommandLine = this.opts.commandLinePort !== undefined;
      if (!byCommandLine && !this.settings.enabled) return undefined;
      try {
        this.running = await this.launch(byCommandLine ? 'command line' : 'settings', this.settings);
        this.problem = undefined;
      } catch (e) {
        this.problem = byCommandLine ? startProblem(e, this.opts.commandLinePort!) : startProblem(e, this.settings.port);
      }
      return this.running?.endpoint;
    });
  }

  status(): Vim25SettingsDto {
    const s = this.settings;
    const e = this.running?.endpoint;
    const thumbprints = e?.thumbprints ?? this.storedThumbprints();
    return {
      enabled: s.enabled, port: s.port, user: s.user, passwordSet: s.passwordHash !== undefined,
      state: e ? 'running' : (s.enabled || this.opts.commandLinePort !== undefined) && this.problem ? 'failed' : 'stopped',
      ...(this.running ? { startedBy: this.running.by } : {}),
      ...(e ? { url: e.url, runningPort: e.port, runningUser: e.user } : {}),
      ...(thumbprints ? { thumbprintSha1: thumbprints.sha1, thumbprintSha256: thumbprints.sha256 } : {}),
      ...(this.problem ? { problem: this.problem } : {}),
    };
  }

  configure(form: Vim25SettingsForm): Promise<Vim25SettingsDto> {
    return this.serial(async () => {
      const password = form.password === '' ? undefined : form.password;
      if (form.enabled && password === undefined && this.settings.passwordHash === undefined) {
        throw new ApiException(apiError('E_INVALID_ARGUMENT', 'Set a password for the SDK user before turning the endpoint on.', 'params.password'));
      }
      const next: Vim25StoredSettings = {
        enabled: form.enabled, port: form.port, user: form.user,
        ...(password !== undefined ? { passwordHash: hashPassword(password) } : this.settings.passwordHash ? { passwordHash: this.settings.passwordHash } : {}),
      };
      const before = this.running;
      if (before) await before.endpoint.close();
      this.running = undefined;
      let started: Running | undefined;
      try {
        if (next.enabled) started = await this.launch('settings', next);
        writeVim25Settings(this.opts.dataDir, next);
      } catch (e) {
        // Nothing changes: stop what this attempt started and bring back what ran before.
        await started?.endpoint.close();
        if (before) this.running = await this.launch(before.by, this.settings).catch(() => undefined);
        if (e instanceof ApiException) throw e;
        if ((e as NodeJS.ErrnoException).syscall === 'listen') throw new ApiException(apiError('E_INVALID_ARGUMENT', startProblem(e, next.port), 'params.port'));
        throw new ApiException(apiError('E_STORAGE', `The settings could not be saved: ${e instanceof Error ? e.message : String(e)}`));
      }
      this.settings = next;
      this.running = started;
      this.problem = undefined;
      return this.status();
    });
  }

  close(): Promise<void> {
    return this.serial(async () => {
      const r = this.running;
      this.running = undefined;
      await r?.endpoint.close();
    });
  }

  private async launch(by: Running['by'], s: Vim25StoredSettings): Promise<Running> {
    const common = { peer: this.opts.peer, dataDir: this.opts.dataDir, ...this.opts.tuning };
    if (by === 'command line') return { by, endpoint: await startVim25({ ...common, port: this.opts.commandLinePort! }) };
    if (!s.passwordHash) throw new ApiException(apiError('E_INVALID_ARGUMENT', 'Set a password for the SDK user before turning the endpoint on.', 'params.password'));
    return { by, endpoint: await startVim25({ ...common, port: s.port, user: s.user, password: passwordHashCheck(s.passwordHash) }) };
  }

  private storedThumbprints(): { sha1: string; sha256: string } | undefined {
    const path = join(this.opts.dataDir, 'vim25-cert.pem');
    if (!existsSync(path)) return undefined;
    try {
      return certificateThumbprints(readFileSync(path, 'utf8'));
    } catch {
      return undefined;
    }
  }

  private serial<T>(run: () => Promise<T>): Promise<T> {
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }
}
