; nano/callret.s — a call/return pair in the guest kernel (A&A "call/ret": 11 cycles native, 51 under
; BT, which pays for the indirect return). No traps, no MMU events.
  .include "nano.inc"
test:
  li r5, ITER
.loop:
  call .f
  subi r5, r5, 1
  cmpi r5, 0
  bne .loop
  j finish
.f:
  ret
