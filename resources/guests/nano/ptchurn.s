; nano/ptchurn.s — page-table churn (the workload where nested paging beats shadow paging): map a
; page (PTE store), touch it, unmap it (PTE store + invlpg), over PAGES pages (default 16, a power of two that fits one leaf table at 4 levels), ITER
; times. Under shadow paging every PTE store is a trapped write to a traced table and every touch
; after a remap is a hidden fault; under nested paging they are plain stores and one 2-D walk.
; PREA = 1 writes the new PTE with A and D already set (kernels often pre-set them): the monitor can
; then update the shadow entry on the trapped write instead of invalidating it, and the touch takes
; no hidden fault (KVM's optimisation, Avi Kivity's "update the shadow PTE on the trapped write": one exit of three removed).
  .ifndef PAGES
PAGES = 16
  .endif
  .ifndef PREA
PREA = 0
  .endif
  .include "nano.inc"
test:
  ; create the leaf table(s) for the window once, remembering the first PTE's address
  li r1, 0x40000000
  li r2, 0
  call map
  mov r10, r6             ; PTE of page 0 (the window's PTEs are consecutive: PAGES ≤ entries per table)
  li r11, 1
.mk:
  slli r1, r11, 12
  li r2, 0x40000000
  add r1, r1, r2
  li r2, 0
  call map
  addi r11, r11, 1
  cmpi r11, PAGES
  bne .mk
  li r5, ITER
  li r6, 0
.loop:
  slli r1, r6, 2
  add r1, r1, r10         ; &PTE[i]
  slli r2, r6, 12
  li r3, 0x400003 + PREA * 0x18 ; frame 0x400000 + i pages, P|W (| A|D)
  add r2, r2, r3
  stw r2, 0(r1)           ; map
  slli r3, r6, 12
  li r4, 0x40000000
  add r3, r3, r4
  stw r5, 0(r3)           ; touch
  stw r0, 0(r1)           ; unmap
  invlpg r3
  addi r6, r6, 1
  andi r6, r6, PAGES - 1
  subi r5, r5, 1
  cmpi r5, 0
  bne .loop
  j finish
