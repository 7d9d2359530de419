; string.s — memory and string helpers (leaf functions, physical = kernel virtual addresses).
;
; Interface: memzero(dst, n), memcpy(dst, src, n) (n a multiple of 4, word-aligned pointers),
; strcmp(a, b) -> 0 if equal, strlcpy(dst, src, size), parse_num(str) -> value (r1), end (r2):
; decimal or 0x hex, optional leading '-', optional suffix k/K (x1024) or m/M (x1048576).

memzero:
  add r2, r1, r2
.loop:
  cmp r1, r2
  bgeu .done
  stw r0, 0(r1)
  stw r0, 4(r1)
  stw r0, 8(r1)
  stw r0, 12(r1)
  addi r1, r1, 16
  j .loop
.done:
  ret

memcpy:
  add r3, r1, r3
.loop:
  cmp r1, r3
  bgeu .done
  ldw r4, 0(r2)
  stw r4, 0(r1)
  addi r1, r1, 4
  addi r2, r2, 4
  j .loop
.done:
  ret

strcmp:
.loop:
  ldb r3, 0(r1)
  ldb r4, 0(r2)
  cmp r3, r4
  bne .diff
  cmpi r3, 0
  beq .eq
  addi r1, r1, 1
  addi r2, r2, 1
  j .loop
.eq:
  li r1, 0
  ret
.diff:
  sub r1, r3, r4
  ret

; strlcpy(dst, src, size): copies at most size-1 bytes and terminates
strlcpy:
  addi r3, r3, -1
.loop:
  cmpi r3, 0
  ble .end
  ldb r4, 0(r2)
  cmpi r4, 0
  beq .end
  stb r4, 0(r1)
  addi r1, r1, 1
  addi r2, r2, 1
  addi r3, r3, -1
  j .loop
.end:
  stb r0, 0(r1)
  ret

parse_num:
  li r5, 0                 ; value
  li r6, 0                 ; negative
  ldb r3, 0(r1)
  cmpi r3, '-'
  bne .nosign
  li r6, 1
  addi r1, r1, 1
.nosign:
  ldb r3, 0(r1)
  cmpi r3, '0'
  bne .dec
  ldb r3, 1(r1)
  ori r3, r3, 0x20
  cmpi r3, 'x'
  bne .dec
  addi r1, r1, 2
.hex:
  ldb r3, 0(r1)
  addi r4, r3, -'0'
  cmpi r4, 10
  bltu .hdig
  ori r4, r3, 0x20
  addi r4, r4, -'a'
  cmpi r4, 6
  bgeu .suffix
  addi r4, r4, 10
.hdig:
  slli r5, r5, 4
  add r5, r5, r4
  addi r1, r1, 1
  j .hex
.dec:
  ldb r3, 0(r1)
  addi r4, r3, -'0'
  cmpi r4, 10
  bgeu .suffix
  li r3, 10
  mul r5, r5, r3
  add r5, r5, r4
  addi r1, r1, 1
  j .dec
.suffix:
  ldb r3, 0(r1)
  ori r3, r3, 0x20
  cmpi r3, 'k'
  bne .notk
  slli r5, r5, 10
  addi r1, r1, 1
  j .sign
.notk:
  cmpi r3, 'm'
  bne .sign
  slli r5, r5, 20
  addi r1, r1, 1
.sign:
  cmpi r6, 0
  beq .ret
  sub r5, r0, r5
.ret:
  mov r2, r1
  mov r1, r5
  ret
