; loop.s — a hot loop with a load, a store, a compare-and-branch: one region, registers in locals,
; the software-TLB fast path inline, the loop block re-entered through the switch.
  .org 0x2000
_start:
  li r1, 100
  li r2, 0x8000
loop:
  andi r4, r1, 255
  slli r4, r4, 2
  add r7, r2, r4
  ldw r5, 0(r7)
  add r3, r3, r5
  stw r3, 0(r7)
  addi r1, r1, -1
  cmpi r1, 0
  bne loop
  hlt
