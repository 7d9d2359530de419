; user/io.s — `io`: console and disk I/O. Writes `sectors` sectors starting at `first` with a
; pattern that depends on the round, reads them back, compares; one console line per round.
; Parameters: sectors (default 16), rounds (default 2), first (default 0). Status 0 if every
; sector read back what was written. Without a disk: prints "io: no disk" and exits 0.

IO_SECT  = 0
IO_ROUND = 4
IO_FIRST = 8
IO_CAP   = 12
IO_ARG   = 16
IO_FRAME = 20

p_io:
  ENTER
  addi sp, sp, -IO_FRAME
  stw r1, IO_ARG(sp)
  call udsize
  stw r1, IO_CAP(sp)
  cmpi r1, 0
  beq .nodisk
  ULA r1, .k_sectors
  li r2, 16
  call param
  stw r1, IO_SECT(sp)
  ULA r1, .k_rounds
  li r2, 2
  call param
  stw r1, IO_ROUND(sp)
  ULA r1, .k_first
  li r2, 0
  call param
  stw r1, IO_FIRST(sp)
  ; clamp to the disk
  ldw r2, IO_CAP(sp)
  ldw r3, IO_SECT(sp)
  add r4, r1, r3
  cmp r4, r2
  bleu .fits
  sub r3, r2, r1
  stw r3, IO_SECT(sp)
.fits:
  li r1, 8192
  call usbrk
  cmpi r1, -1
  beq .nodisk
  mov r10, r1               ; write buffer (4 KiB), read buffer at +4096
  li r11, 0                 ; checksum
  li r12, 0                 ; errors
  li r7, 0                  ; round
.round:
  ldw r1, IO_ROUND(sp)
  cmp r7, r1
  bge .done
  li r8, 0                  ; sector offset
.chunk:
  ldw r1, IO_SECT(sp)
  cmp r8, r1
  bge .endround
  sub r9, r1, r8
  cmpi r9, 8
  ble .nok
  li r9, 8                  ; sectors in this chunk
.nok:
  ; pattern: word w of absolute sector s in round r = (s << 16) ^ (w * 0x01000193) ^ (r * 0x9E3779B9)
  li r6, 0                  ; word index in the chunk
.fill:
  slli r1, r9, 7
  cmp r6, r1
  bge .filled
  mov r1, r6
  call .pattern
  slli r2, r6, 2
  add r2, r2, r10
  stw r1, 0(r2)
  ; poison the read buffer
  li r1, -1
  li r3, 4096
  add r2, r2, r3
  stw r1, 0(r2)
  addi r6, r6, 1
  j .fill
.filled:
  ldw r1, IO_FIRST(sp)
  add r1, r1, r8
  mov r2, r10
  mov r3, r9
  call udwrite
  cmpi r1, 0
  beq .wok
  addi r12, r12, 1
.wok:
  ldw r1, IO_FIRST(sp)
  add r1, r1, r8
  li r2, 4096
  add r2, r2, r10
  mov r3, r9
  call udread
  cmpi r1, 0
  beq .rok
  addi r12, r12, 1
.rok:
  li r6, 0
.cmp:
  slli r1, r9, 7
  cmp r6, r1
  bge .cmpd
  slli r2, r6, 2
  add r2, r2, r10
  ldw r3, 0(r2)
  li r4, 4096
  add r2, r2, r4
  ldw r2, 0(r2)
  cmp r2, r3
  beq .same
  addi r12, r12, 1
.same:
  mov r1, r11
  call mix
  mov r11, r1
  addi r6, r6, 1
  j .cmp
.cmpd:
  add r8, r8, r9
  j .chunk
.endround:
  ldw r1, IO_ARG(sp)
  andi r1, r1, QUIET
  cmpi r1, 0
  bne .quiet1
  ULA r1, .m_r1
  call puts
  addi r1, r7, 1
  call putdec
  ULA r1, .m_r2
  call puts
  ldw r1, IO_SECT(sp)
  call putdec
  ULA r1, .m_r3
  call puts
  mov r1, r12
  call putdec
  ULA r1, .m_r4
  call puts
.quiet1:
  addi r7, r7, 1
  j .round
.done:
  ldw r1, IO_ARG(sp)
  andi r1, r1, QUIET
  cmpi r1, 0
  beq .print
  mov r1, r11
  j .out
.print:
  ULA r1, .m_d
  call puts
  mov r1, r11
  call puthex
  li r1, '\n'
  call putc
  mov r1, r12
.out:
  addi sp, sp, IO_FRAME
  LEAVE
.nodisk:
  ULA r1, .m_nodisk
  call puts
  li r1, 0
  j .out
; .pattern(word index r1) -> value, for chunk r8 of round r7 (reads IO_FIRST from the frame:
; called with one extra return address only, so the frame is at sp)
.pattern:
  srli r2, r1, 7            ; sector within the chunk
  add r2, r2, r8
  ldw r3, IO_FIRST(sp)
  add r2, r2, r3            ; absolute sector
  slli r2, r2, 16
  andi r3, r1, 127
  li r4, 0x01000193
  mul r3, r3, r4
  xor r2, r2, r3
  li r4, 0x9E3779B9
  mul r3, r7, r4
  xor r1, r2, r3
  ret
.k_sectors: .asciz "sectors"
.k_rounds:  .asciz "rounds"
.k_first:   .asciz "first"
.m_r1: .asciz "io: round "
.m_r2: .asciz ": wrote and read back "
.m_r3: .asciz " sectors, "
.m_r4: .asciz " errors so far\n"
.m_d:  .asciz "io: done, checksum "
.m_nodisk: .asciz "io: no disk\n"
.align 4
