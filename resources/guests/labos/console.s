; console.s — the console (serial port): kernel output, user writes, host control bytes.
;
; Interface: console_init(), kputc(c), kputs(s), kputs_locked(s), kputdec(n), kputhex(n),
; console_intr() (IRQ1: each input byte goes to the shell, shell.s), console_write_user(pgdir,
; uva, len) -> len/-1.
; Rules: output is unbuffered (one `out` per byte). Every byte also feeds con_hash (FNV-1a) in
; the results area, so the final-state digest covers the console output. Callers printing a
; multi-part message hold cons_lock; kputs_locked prints one string under it. Console input
; interrupts are on from boot: typed bytes are the shell's (host power requests come through the
; power device, irq.s). A console nobody types to raises no interrupt.

console_init:
  li r1, 1
  ARCH_OUT r1, CON_CTRL      ; input interrupts on
  ret

; kputc(c): leaf, clobbers r1..r4
kputc:
  andi r1, r1, 0xff
  ARCH_OUT r1, CON_DATA
  la r2, con_hash
  ldw r3, 0(r2)
  xor r3, r3, r1
  li r4, 16777619
  mul r3, r3, r4
  stw r3, 0(r2)
  ldw r3, 4(r2)
  addi r3, r3, 1
  stw r3, 4(r2)
  ret

kputs:
  ENTER
  mov r7, r1
.loop:
  ldb r1, 0(r7)
  cmpi r1, 0
  beq .done
  call kputc
  addi r7, r7, 1
  j .loop
.done:
  LEAVE

kputs_locked:
  ENTER
  mov r7, r1
  call cons_lock
  mov r1, r7
  call kputs
  call cons_unlock
  LEAVE

; kputdec(n): signed decimal
kputdec:
  ENTER
  mov r7, r1
  cmpi r7, 0
  bge .pos
  li r1, '-'
  call kputc
  sub r7, r0, r7
.pos:
  addi sp, sp, -16
  mov r8, sp               ; digits, least significant first
  li r9, 0
  li r10, 10
.div:
  remu r1, r7, r10
  divu r7, r7, r10
  add r2, r8, r9
  stb r1, 0(r2)
  addi r9, r9, 1
  cmpi r7, 0
  bne .div
.out:
  addi r9, r9, -1
  add r2, r8, r9
  ldb r1, 0(r2)
  addi r1, r1, '0'
  call kputc
  cmpi r9, 0
  bne .out
  addi sp, sp, 16
  LEAVE

; kputhex(n): 0x and 8 hex digits
kputhex:
  ENTER
  mov r7, r1
  li r1, '0'
  call kputc
  li r1, 'x'
  call kputc
  li r8, 28
.loop:
  shr r1, r7, r8
  andi r1, r1, 15
  la r2, hexdigits
  add r2, r2, r1
  ldb r1, 0(r2)
  call kputc
  addi r8, r8, -4
  cmpi r8, 0
  bge .loop
  LEAVE

hexdigits: .ascii "0123456789abcdef"

console_intr:
  ENTER
.loop:
  ARCH_IN r1, CON_STATUS
  andi r1, r1, 1
  cmpi r1, 0
  beq .done
  ARCH_IN r1, CON_DATA
  cmpi r1, -1
  beq .done
  andi r1, r1, 0xff
  call shell_key
  j .loop
.done:
  LEAVE

; console_write_user(pgdir r1, uva r2, len r3) -> len or -1 (bytes before a bad page are written)
console_write_user:
  ENTER
  mov r7, r1
  mov r8, r2
  mov r9, r3
  li r10, 0                ; written
  li r11, -1               ; physical address of the current byte (-1: translate)
  call cons_lock
.loop:
  cmp r10, r9
  bgeu .done
  cmpi r11, -1
  beq .xlate
  andi r1, r8, 0xfff
  cmpi r1, 0
  bne .have
.xlate:
  mov r1, r7
  mov r2, r8
  li r3, 0
  call uva2pa
  mov r11, r1
  cmpi r11, -1
  beq .bad
.have:
  ldb r1, 0(r11)
  call kputc
  addi r8, r8, 1
  addi r11, r11, 1
  addi r10, r10, 1
  j .loop
.done:
  call cons_unlock
  mov r1, r10
  LEAVE
.bad:
  call cons_unlock
  li r1, -1
  LEAVE
