; nano/divzero.s — a divide-by-zero fault from user mode, no MMU involvement (A&A "divzero"):
; the handler skips the instruction. Hardware assist delivers it without an exit.
  .include "nano.inc"
test:
  user_mode .u
.u:
  li r5, ITER
  li r3, 7
.loop:
  div r1, r3, r0
  subi r5, r5, 1
  cmpi r5, 0
  bne .loop
  li r1, 1
  sys
