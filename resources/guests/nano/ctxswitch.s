; nano/ctxswitch.s — an address-space switch: the kernel loads ptbr with one of two roots that map
; the same kernel, touches a data page, and switches back (the "context switch" cost of shadow paging:
; a trapped ptbr load and a shadow-root lookup; nested paging: a native ptbr load and cold TLB walks).
  .include "nano.inc"
test:
  ; a second root: a copy of the first root table (shares every lower table)
  ldw r6, G_TMASK(r0)
  sub r6, r0, r6          ; table bytes
  li r7, POOL             ; root 0
  li r8, 0x10f000         ; root 1 (in the pool's identity-mapped range)
  li r9, 0
.copy:
  add r1, r7, r9
  ldw r2, 0(r1)
  add r1, r8, r9
  stw r2, 0(r1)
  addi r9, r9, 4
  cmp r9, r6
  bne .copy
  li r5, ITER
  li r2, 0x3000
.loop:
  mtcr ptbr, r8
  ldw r1, 0(r2)
  mtcr ptbr, r7
  ldw r1, 0(r2)
  subi r5, r5, 1
  cmpi r5, 0
  bne .loop
  j finish
