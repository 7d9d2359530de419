// Test peers for the vim25 endpoint: the lab (the real engine in its worker thread, the real endpoint
// over HTTPS), VMware's govmomi simulator (built once from Debian's packages), Debian's pyvmomi, and a
// raw SOAP client for requests no SDK would send.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { request } from 'node:https';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EngineWorkerClient } from '../../../src-main/node/workers/engineWorkerClient';
import { startVim25 } from '../../../src-main/node/vim25/index';
import type { Vim25Endpoint } from '../../../src-main/node/vim25/index';
import { linkToEngine } from '../../../src-main/node/vim25/labLink';
import type { LabLink } from '../../../src-main/node/vim25/labLink';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const PYTHON = '/usr/bin/python3';

export interface LabPeer {
  endpoint: Vim25Endpoint;
  engine: EngineWorkerClient;
  link: LabLink;
  dataDir: string;
  close(): Promise<void>;
}

export async function startLab(opts: { scenario?: string; speed?: number; paused?: boolean; password?: string; sessionIdleMs?: number; failedLoginDelayMs?: number; maxFailedLoginDelayMs?: number } = {}): Promise<LabPeer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hvlab-vim25-test-'));
  const engine = await EngineWorkerClient.spawn({ scenario: opts.scenario ?? 'lab-small', seed: 1, paused: opts.paused ?? false });
  const link = linkToEngine(engine);
  if (opts.speed) await link.request('sim.setSpeed', { speed: opts.speed });
  const endpoint = await startVim25({
    port: 0, peer: engine, dataDir, password: opts.password ?? 'lab-password', sessionIdleMs: opts.sessionIdleMs, failedLoginDelayMs: opts.failedLoginDelayMs ?? 50, maxFailedLoginDelayMs: opts.maxFailedLoginDelayMs,
  });
  return {
    endpoint, engine, link, dataDir,
    close: async () => {
      await endpoint.close();
      await engine.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The simulator binary, or why it can't be had (the tests then skip that half, saying so). */
export function simulatorBinary(): { path?: string; skip?: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/vim25-simulator/build.mjs')], { encoding: 'utf8', timeout: 900_000 });
  if (r.status === 0) return { path: r.stdout.trim() };
  return { skip: (r.stderr || 'the simulator could not be built').trim() };
}

export interface SimulatorPeer { port: number; close(): Promise<void> }

export function startSimulator(binary: string, args: string[] = []): Promise<SimulatorPeer> {
  const child: ChildProcess = spawn(binary, ['-port', '0', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => { child.kill(); reject(new Error(`simulator did not start: ${out}`)); }, 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /vim25 simulator: https:\/\/127\.0\.0\.1:(\d+)\/sdk/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          port: Number(m[1]),
          close: () => new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.stdin!.end();
            setTimeout(() => child.kill('SIGKILL'), 5000).unref();
          }),
        });
      }
    });
    child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`simulator exited (${code}): ${out}`)); });
  });
}

export function pyvmomiAvailable(): boolean {
  if (!existsSync(PYTHON)) return false;
  return spawnSync(PYTHON, ['-W', 'ignore', '-c', 'import pyVmomi, pyVim.connect'], { encoding: 'utf8' }).status === 0;
}

export function runPython(script: string, args: string[], timeoutMs = 300_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(PYTHON, ['-W', 'ignore', script, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? -1, stdout, stderr }); });
  });
}

/** One raw HTTPS exchange with the endpoint (certificate checks off, as SDK clients run against a lab). */
export function https(port: number, opts: { method?: string; path?: string; body?: string | Buffer; cookie?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1', port, method: opts.method ?? 'POST', path: opts.path ?? '/sdk', rejectUnauthorized: false,
      headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: 'urn:vim25/6.7', ...(opts.cookie ? { Cookie: opts.cookie } : {}), ...opts.headers },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

export function envelope(method: string, thisType: string, thisId: string, inner = ''): string {
  return '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"'
    + ' xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>'
    + `<${method} xmlns="urn:vim25"><_this type="${thisType}">${thisId}</_this>${inner}</${method}></soapenv:Body></soapenv:Envelope>`;
}

export async function login(port: number, user = 'root', password = 'lab-password'): Promise<string> {
  const r = await https(port, { body: envelope('Login', 'SessionManager', 'SessionManager', `<userName>${user}</userName><password>${password}</password>`) });
  const set = r.headers['set-cookie'];
  if (r.status !== 200 || !set) throw new Error(`login failed: ${r.status} ${r.body.slice(0, 300)}`);
  return (Array.isArray(set) ? set[0] : set).split(';')[0];
}

/** The fault type in a SOAP fault body (`<XFault xsi:type="X">`), or undefined. */
export function faultType(body: string): string | undefined {
  return /<detail><(\w+)Fault [^>]*xsi:type="(\w+)"/.exec(body)?.[2];
}
