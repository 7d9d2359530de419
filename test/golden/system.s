; system.s — privileged and sensitive instructions in kernel code become callouts (h.slow with a
; system site), each ending its block; a divide keeps its zero check inline.
  .org 0
  .space 128, 0
  .org 0x2000
_start:
  li r9, 20
loop:
  mtcr scratch0, r9
  mfcr r2, scratch0
  getf r3
  smsw r4
  cli
  in r5, 0x72(r0)
  out r5, 0x20(r0)
  div r6, r2, r9
  addi r9, r9, -1
  cmpi r9, 0
  bgt loop
  hlt
