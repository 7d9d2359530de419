// An in-process ssh2 server as a scripted SSH peer for unit tests of the SSH layer and of virsh command
// building/parsing: no packages, no files; keys from ssh2's generator. Real sshd + libvirtd are used by
// the integration tests (realHostPeers.ts).
//
// startSshTestServer({ reply, password? }) → { port, hostKey (wire blob), clientKeyPath, commands, close() }.
// `reply(command)` answers each exec request: { stdout, stderr?, code? }, a Promise of one, or 'hang'
// (never answers, for timeouts); pty requests are recorded. `kill()` drops every client connection.
import ssh2 from 'ssh2';
import type { Connection } from 'ssh2';
import { sshKeyPair } from './sshKeyPair';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { timingSafeEqual } from 'node:crypto';

const { Server, utils } = ssh2;

/** `stdout` as an array is written chunk by chunk (one SSH data packet each). */
export interface ScriptedReply { stdout?: string | Buffer[]; stderr?: string; code?: number }
export type Reply = ScriptedReply | 'hang' | Promise<ScriptedReply>;

export interface SshTestServer {
  port: number;
  hostKey: Buffer;
  clientKeyPath: string;
  commands: { command: string; pty: boolean }[];
  kill(): void;
  close(): Promise<void>;
}

export async function startSshTestServer(opts: { reply: (command: string) => Reply; password?: string; hostKeyType?: 'ed25519' | 'ecdsa' }): Promise<SshTestServer> {
  const host = sshKeyPair(opts.hostKeyType);
  const client = sshKeyPair();
  const allowed = utils.parseKey(client.public);
  if (allowed instanceof Error) throw allowed;
  const hostParsed = utils.parseKey(host.private);
  if (hostParsed instanceof Error) throw hostParsed;
  const dir = mkdtempSync(join(tmpdir(), 'hvlab-sshtest-'));
  const clientKeyPath = join(dir, 'client_ed25519');
  writeFileSync(clientKeyPath, client.private, { mode: 0o600 });
  const commands: { command: string; pty: boolean }[] = [];
  const conns = new Set<Connection>();

  const server = new Server({ hostKeys: [host.private] }, (conn) => {
    conns.add(conn);
    conn.on('close', () => conns.delete(conn));
    conn.on('error', () => undefined);
    conn.on('authentication', (ctx) => {
      if (ctx.method === 'publickey' && ctx.key.algo === allowed.type && timingSafeEqual(ctx.key.data, allowed.getPublicSSH())) {
        if (!ctx.signature) return ctx.accept();
        if (ctx.blob && allowed.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true) return ctx.accept();
        return ctx.reject();
      }
      if (ctx.method === 'password' && opts.password !== undefined && ctx.password === opts.password) return ctx.accept();
      return ctx.reject(opts.password !== undefined ? ['publickey', 'password'] : ['publickey']);
    });
    conn.on('ready', () => {
      conn.on('session', (acceptSession) => {
        const session = acceptSession();
        let pty = false;
        session.on('pty', (accept) => { pty = true; accept?.(); });
        session.on('exec', (accept, _reject, info) => {
          const ch = accept();
          commands.push({ command: info.command, pty });
          const r = opts.reply(info.command);
          if (r === 'hang') return;
          void Promise.resolve(r).then((x) => {
            for (const chunk of Array.isArray(x.stdout) ? x.stdout : x.stdout ? [x.stdout] : []) ch.write(chunk);
            if (x.stderr) ch.stderr.write(x.stderr);
            ch.exit(x.code ?? 0);
            ch.end();
          });
        });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  return {
    port, hostKey: hostParsed.getPublicSSH(), clientKeyPath, commands,
    kill: () => { for (const c of conns) c.end(); },
    close: () => new Promise<void>((resolve) => { for (const c of conns) c.end(); server.close(() => resolve()); }),
  };
}
