; calls.s — calls to another page (static exit sites, chained), a return through a register
; (looked up in the region's entry table), a register call.
  .org 0x2000
_start:
  li r9, 30
loop:
  call far
  la r8, near
  jalr r8
  addi r9, r9, -1
  cmpi r9, 0
  bne loop
  hlt
near:
  addi r2, r2, 1
  ret
  .org 0x3000
far:
  addi r1, r1, 3
  ret
