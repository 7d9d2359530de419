; nano/pgfault.s — a true guest page fault from user mode, handled by a minimal kernel handler that
; skips the instruction (A&A "pgfault"). Under shadow paging the monitor must first walk the guest's
; tables to learn that the fault is the guest's (then reflect it); under nested paging the hardware
; delivers it directly.
  .include "nano.inc"
test:
  user_mode .u
.u:
  li r2, 0x50000000       ; never mapped
  li r5, ITER
.loop:
  ldw r1, 0(r2)
  subi r5, r5, 1
  cmpi r5, 0
  bne .loop
  li r1, 1
  sys
