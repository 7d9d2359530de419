#!/usr/bin/env node
// The tiny test guest for the real-host peers: a 512-byte x86 boot sector, assembled here (no toolchain,
// nothing downloaded), that the CI's libvirt domain boots under QEMU (TCG).
//
// What it does, forever: prints "hvlab tiny guest: tick XXXX" (a hex counter) on COM1 about once a
// second, spins a fixed busy loop after each line (so the domain's CPU time visibly grows while it runs),
// and echoes every byte it receives on COM1 (so a console test can type and read back). Between ticks it
// halts until the next BIOS timer interrupt (18.2 Hz), so an idle tick costs the host almost nothing.
//
// Usage: node scripts/peers/tinyGuest.mjs OUT.img [--size BYTES]  → a raw disk image (boot sector + zeros).
// `assemble()` is exported for the unit test that checks the image's shape.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ORG = 0x7c00;
const COM1 = 0x3f8;
const BIOS_TICKS = 0x046c; // the BIOS data area's timer tick count (incremented by IRQ0, 18.2 Hz)
const TICKS_PER_LINE = 18;
const BUSY_OUTER = 0x40; // busy loop: BUSY_OUTER × 65536 `loop` iterations after each line

// A two-pass assembler for the few real-mode instructions the guest needs. Each op is [bytes | fn(pos)].
function program() {
  const ops = [];
  const labels = {};
  const b = (...bytes) => ops.push({ size: bytes.length, emit: () => bytes });
  const w = (v) => [v & 0xff, (v >> 8) & 0xff];
  const label = (name) => ops.push({ size: 0, label: name, emit: () => [] });
  // Short jumps (rel8) and near calls (rel16) resolved in the second pass.
  const jcc = (opcode, target) => ops.push({ size: 2, emit: (pos) => { const rel = labels[target] - (pos + 2); if (rel < -128 || rel > 127) throw new Error(`jump to ${target} out of range`); return [opcode, rel & 0xff]; } });
  const call = (target) => ops.push({ size: 3, emit: (pos) => [0xe8, ...w(labels[target] - (pos + 3))] });
  const movSiLabel = (target) => ops.push({ size: 3, emit: () => [0xbe, ...w(ORG + labels[target])] });
  const outPort = (port, value) => { b(0xba, ...w(port)); b(0xb0, value); b(0xee); }; // mov dx,port; mov al,v; out dx,al
  const ascii = (text) => b(...[...Buffer.from(text, 'latin1')], 0);

  // start: flat segments, a stack below the boot sector, interrupts on (the BIOS timer drives the waits).
  b(0xfa);                         // cli
  b(0x31, 0xc0);                   // xor ax,ax
  b(0x8e, 0xd8);                   // mov ds,ax
  b(0x8e, 0xc0);                   // mov es,ax
  b(0x8e, 0xd0);                   // mov ss,ax
  b(0xbc, ...w(ORG));              // mov sp,0x7c00
  b(0xfc);                         // cld
  b(0xfb);                         // sti
  // COM1: 115200 8N1, FIFOs on, no UART interrupts (the guest polls).
  outPort(COM1 + 1, 0x00);         // IER: no interrupts
  outPort(COM1 + 3, 0x80);         // LCR: DLAB
  outPort(COM1 + 0, 0x01);         // divisor low (115200)
  outPort(COM1 + 1, 0x00);         // divisor high
  outPort(COM1 + 3, 0x03);         // LCR: 8N1
  outPort(COM1 + 2, 0xc7);         // FCR: enable, clear, 14-byte threshold
  outPort(COM1 + 4, 0x03);         // MCR: DTR, RTS
  movSiLabel('banner'); call('puts');

  label('tick');
  movSiLabel('tickText'); call('puts');
  ops.push({ size: 3, emit: () => [0xa1, ...w(ORG + labels.counter)] }); // mov ax,[counter]
  call('puthex');
  movSiLabel('crlf'); call('puts');
  ops.push({ size: 4, emit: () => [0xff, 0x06, ...w(ORG + labels.counter)] }); // inc word [counter]
  // Busy loop: BUSY_OUTER × 65536 iterations of `loop`.
  b(0xbb, ...w(BUSY_OUTER));       // mov bx,BUSY_OUTER
  label('busyOuter');
  b(0x31, 0xc9);                   // xor cx,cx (65536 iterations)
  label('busyInner');
  jcc(0xe2, 'busyInner');          // loop busyInner
  b(0x4b);                         // dec bx
  jcc(0x75, 'busyOuter');          // jnz busyOuter
  // Wait TICKS_PER_LINE timer ticks, echoing serial input meanwhile.
  b(0x8b, 0x1e, ...w(BIOS_TICKS)); // mov bx,[0x46c]
  b(0x83, 0xc3, TICKS_PER_LINE);   // add bx,TICKS_PER_LINE
  label('wait');
  call('echo');
  b(0xf4);                         // hlt (until the next interrupt)
  b(0xa1, ...w(BIOS_TICKS));       // mov ax,[0x46c]
  b(0x39, 0xd8);                   // cmp ax,bx
  jcc(0x75, 'wait');               // jne wait
  jcc(0xeb, 'tick');               // jmp tick

  // echo: while COM1 has a byte, send it back (CR becomes CR LF).
  label('echo');
  b(0xba, ...w(COM1 + 5));         // mov dx,LSR
  b(0xec);                         // in al,dx
  b(0xa8, 0x01);                   // test al,1 (data ready)
  jcc(0x74, 'echoDone');           // jz echoDone
  b(0xba, ...w(COM1));             // mov dx,RBR
  b(0xec);                         // in al,dx
  call('putc');
  b(0x3c, 0x0d);                   // cmp al,13
  jcc(0x75, 'echo');               // jne echo
  b(0xb0, 0x0a);                   // mov al,10
  call('putc');
  jcc(0xeb, 'echo');               // jmp echo
  label('echoDone');
  b(0xc3);                         // ret

  // puts: print the NUL-terminated string at DS:SI.
  label('puts');
  b(0xac);                         // lodsb
  b(0x84, 0xc0);                   // test al,al
  jcc(0x74, 'putsDone');           // jz putsDone
  call('putc');
  jcc(0xeb, 'puts');               // jmp puts
  label('putsDone');
  b(0xc3);                         // ret

  // putc: wait until the transmitter holding register is empty, then send AL (keeps AL and DX).
  label('putc');
  b(0x52);                         // push dx
  b(0x50);                         // push ax
  b(0xba, ...w(COM1 + 5));         // mov dx,LSR
  label('putcWait');
  b(0xec);                         // in al,dx
  b(0xa8, 0x20);                   // test al,0x20 (THR empty)
  jcc(0x74, 'putcWait');           // jz putcWait
  b(0x58);                         // pop ax
  b(0xba, ...w(COM1));             // mov dx,THR
  b(0xee);                         // out dx,al
  b(0x5a);                         // pop dx
  b(0xc3);                         // ret

  // puthex: print AX as four hex digits.
  label('puthex');
  b(0xb9, ...w(4));                // mov cx,4
  label('hexDigit');
  b(0x51);                         // push cx
  b(0xb1, 0x04);                   // mov cl,4
  b(0xd3, 0xc0);                   // rol ax,cl
  b(0x59);                         // pop cx
  b(0x50);                         // push ax
  b(0x24, 0x0f);                   // and al,0x0f
  b(0x3c, 0x0a);                   // cmp al,10
  jcc(0x72, 'hexNum');             // jb hexNum
  b(0x04, 0x07);                   // add al,7 ('A'-'0'-10)
  label('hexNum');
  b(0x04, 0x30);                   // add al,'0'
  call('putc');
  b(0x58);                         // pop ax
  jcc(0xe2, 'hexDigit');           // loop hexDigit
  b(0xc3);                         // ret

  label('banner'); ascii('\r\nhvlab tiny guest: booted\r\n');
  label('tickText'); ascii('hvlab tiny guest: tick ');
  label('crlf'); ascii('\r\n');
  label('counter'); b(0x00, 0x00);
  return { ops, labels };
}

/** The 512-byte boot sector (0x55AA signature at 510). */
export function assemble() {
  const { ops, labels } = program();
  let pos = 0;
  for (const op of ops) { if (op.label) labels[op.label] = pos; pos += op.size; }
  if (pos > 510) throw new Error(`boot sector too large: ${pos} bytes`);
  const out = Buffer.alloc(512);
  pos = 0;
  for (const op of ops) {
    const bytes = op.emit(pos);
    if (bytes.length !== op.size) throw new Error(`op at ${pos} emitted ${bytes.length} bytes, declared ${op.size}`);
    out.set(bytes, pos);
    pos += op.size;
  }
  out[510] = 0x55;
  out[511] = 0xaa;
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [outPath, ...rest] = process.argv.slice(2);
  if (!outPath) { console.error('usage: tinyGuest.mjs OUT.img [--size BYTES]'); process.exit(2); }
  const sizeAt = rest.indexOf('--size');
  const size = sizeAt >= 0 ? Number(rest[sizeAt + 1]) : 1024 * 1024;
  if (!Number.isInteger(size) || size < 512 || size % 512 !== 0) { console.error('tinyGuest: --size must be a multiple of 512'); process.exit(2); }
  const image = Buffer.alloc(size);
  assemble().copy(image, 0);
  writeFileSync(outPath, image);
}
