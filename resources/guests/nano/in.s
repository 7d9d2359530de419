; nano/in.s — port input from an unmapped off-CPU port (0x80) in the guest kernel (A&A "in").
; Native: the `io` cost (3,209 cycles, A&A's native figure); under a monitor: trap/exit + emulation.
  .include "nano.inc"
test:
  li r5, ITER
.loop:
  in r1, 0x80(r0)
  subi r5, r5, 1
  cmpi r5, 0
  bne .loop
  j finish
