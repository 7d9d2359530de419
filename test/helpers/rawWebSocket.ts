// Test helper: a WebSocket client on a bare TCP socket, so tests and fuzzers can send frames no
// well-behaved client library would (unmasked, reserved bits, bad opcodes, lying lengths…).
//
// - `rawConnect(port, path)` performs a real upgrade (RFC 6455 §4.1) and resolves once the server
//   answered 101; `conn.write(bytes)`, `conn.closed` (the server's close code, or null if the TCP
//   connection just ended), `conn.messages` (text frames received), `conn.destroy()`.
// - `frame({ opcode, payload, fin, rsv, mask, length })` builds one frame; `length` may lie about the
//   payload (a header announcing 50 MB and carrying 10 bytes).
import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';

export interface FrameSpec {
  opcode: number;
  payload?: Uint8Array | string;
  fin?: boolean;
  /** RSV1..3 as a 3-bit number (4 = RSV1). */
  rsv?: number;
  /** Clients must mask; false sends an unmasked frame. */
  mask?: boolean;
  /** Announced payload length, when it should differ from the real one. */
  length?: number;
}

export function frame(f: FrameSpec): Buffer {
  const payload = typeof f.payload === 'string' ? Buffer.from(f.payload, 'utf8') : Buffer.from(f.payload ?? new Uint8Array(0));
  const len = f.length ?? payload.length;
  const mask = f.mask ?? true;
  const head: number[] = [((f.fin ?? true) ? 0x80 : 0) | ((f.rsv ?? 0) << 4) | (f.opcode & 0x0f)];
  const m = mask ? 0x80 : 0;
  let ext: Buffer;
  if (len < 126) { head.push(m | len); ext = Buffer.alloc(0); }
  else if (len < 65536) { head.push(m | 126); ext = Buffer.alloc(2); ext.writeUInt16BE(len); }
  else { head.push(m | 127); ext = Buffer.alloc(8); ext.writeBigUInt64BE(BigInt(len)); }
  if (!mask) return Buffer.concat([Buffer.from(head), ext, payload]);
  const key = randomBytes(4);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i] ^= key[i & 3];
  return Buffer.concat([Buffer.from(head), ext, key, body]);
}

export function textFrame(text: string): Buffer {
  return frame({ opcode: 1, payload: text });
}

export interface RawConnection {
  socket: Socket;
  write(b: Buffer): void;
  /** Resolves with the close code the server sent (null: the connection ended without a close frame). */
  closed: Promise<number | null>;
  /** Text messages received so far. */
  messages: string[];
  /** Resolves with the next text message that is not an event (in order; none is lost). */
  nextReply(): Promise<string>;
  destroy(): void;
}

/** Parses server frames (never masked) from a growing buffer; returns the frames and the rest. */
function parseFrames(buf: Buffer): { frames: { opcode: number; payload: Buffer }[]; rest: Buffer } {
  const frames: { opcode: number; payload: Buffer }[] = [];
  let off = 0;
  for (;;) {
    if (buf.length - off < 2) break;
    const b0 = buf[off];
    let len = buf[off + 1] & 0x7f;
    let p = off + 2;
    if (len === 126) { if (buf.length - p < 2) break; len = buf.readUInt16BE(p); p += 2; }
    else if (len === 127) { if (buf.length - p < 8) break; len = Number(buf.readBigUInt64BE(p)); p += 8; }
    if (buf.length - p < len) break;
    frames.push({ opcode: b0 & 0x0f, payload: buf.subarray(p, p + len) });
    off = p + len;
  }
  return { frames, rest: buf.subarray(off) };
}

export function rawConnect(port: number, path: string, opts: { read?: boolean } = {}): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const key = randomBytes(16).toString('base64');
    let handshake = true;
    let buf = Buffer.alloc(0);
    const messages: string[] = [];
    const waiters: ((m: string) => void)[] = [];
    const replies: string[] = [];
    let closeCode: number | null = null;
    let resolveClosed!: (c: number | null) => void;
    const closed = new Promise<number | null>((r) => { resolveClosed = r; });
    socket.on('error', () => { /* the server may reset us: that is an outcome, not a test failure */ });
    socket.on('close', () => { resolveClosed(closeCode); if (handshake) reject(new Error('closed during the handshake')); });
    socket.on('connect', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    });
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (handshake) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const status = buf.subarray(0, end).toString('latin1').split('\r\n')[0];
        buf = buf.subarray(end + 4);
        if (!/^HTTP\/1\.1 101 /.test(status)) { reject(new Error(status)); socket.destroy(); return; }
        handshake = false;
        if (opts.read === false) socket.pause();
        resolve(conn);
      }
      const { frames, rest } = parseFrames(buf);
      buf = Buffer.from(rest);
      for (const f of frames) {
        if (f.opcode === 8) closeCode = f.payload.length >= 2 ? f.payload.readUInt16BE(0) : 1005;
        else if (f.opcode === 1) {
          const text = f.payload.toString('utf8');
          messages.push(text);
          if (!text.startsWith('{"kind":"event"')) {
            const w = waiters.shift();
            if (w) w(text); else replies.push(text);
          }
        }
      }
    });
    const conn: RawConnection = {
      socket,
      write: (b) => { socket.write(b); },
      closed,
      messages,
      nextReply: () => new Promise((r) => { const q = replies.shift(); if (q !== undefined) r(q); else waiters.push(r); }),
      destroy: () => socket.destroy(),
    };
  });
}
