; nano/ptemod.s — the guest kernel stores to a PTE of its live page table (A&A "ptemod"): natively
; one store; under shadow paging the table is traced, so each store is trapped and emulated
; (BT: an adaptive callout; hardware assist: a VM exit); under nested paging one store again.
  .include "nano.inc"
test:
  ldw r4, PTE_ADDR(r0)
  li r5, ITER
.loop:
  andi r3, r5, 1
  slli r3, r3, 1          ; alternate W between 0 and 1 on a not-present entry
  stw r3, 0(r4)
  subi r5, r5, 1
  cmpi r5, 0
  bne .loop
  j finish
