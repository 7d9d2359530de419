; nano/syscall.s — system call round trip: user `sys` → kernel handler → `iret` (A&A "syscall").
; Native: trap delivery + a 3-instruction handler + iret. Trap-and-emulate / BT: the trap enters the
; monitor and is reflected, and iret traps again; hardware assist: no exit at all.
  .include "nano.inc"
test:
  user_mode .u
.u:
  li r5, ITER
  li r1, 0                ; 0 = a plain system call, 1 = back to the kernel
.loop:
  sys
  subi r5, r5, 1
  cmpi r5, 0
  bne .loop
  li r1, 1
  sys
