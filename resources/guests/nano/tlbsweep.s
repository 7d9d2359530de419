; nano/tlbsweep.s — a TLB-miss-heavy loop over a large working set (the workload where shadow paging
; beats nested paging: every miss costs a 1-D walk of the shadow table vs a 2-D walk): PAGES pages
; (default 1024 = 4 MiB at 0x40000000) read with a page stride of STRIDE (odd, default 17) so a
; 64-entry TLB misses on nearly every access; ITER touches.
; LARGE = 1 maps the window with large pages (a PS entry one level above the leaf: 4 MiB at 2 levels,
; 128 KiB at 4 levels; needs a machine with large pages), backed from 0x400000 like the 4 KiB case.
; CHURN = k (a power of two, 0 = none) adds page-table activity: every k touches the kernel maps a
; scratch page (PTE store), touches it, unmaps it (PTE store + invlpg) — the mix where the
; shadow/nested crossover moves.
  .ifndef PAGES
PAGES = 1024
  .endif
  .ifndef STRIDE
STRIDE = 17
  .endif
  .ifndef LARGE
LARGE = 0
  .endif
  .ifndef CHURN
CHURN = 0
  .endif
SCRATCH = 0x3f000000
  .include "nano.inc"
test:
  li r10, 0
  .if LARGE
  ldw r11, G_BITS(r0)
  li r12, 1
  shl r11, r12, r11       ; pages per large page
  slli r11, r11, 12       ; its bytes
.mapl:
  li r1, 0x40000000
  add r1, r1, r10
  li r2, 0x400023         ; 0x400000 + offset | P|W|PS
  add r2, r2, r10
  ldw r9, G_LV(r0)
  subi r9, r9, 2
  call maplvl
  add r10, r10, r11
  li r12, PAGES * 4096
  cmp r10, r12
  bltu .mapl
  .else
.map4k:
  li r1, 0x40000000
  add r1, r1, r10
  li r2, 0x400000
  add r2, r2, r10
  ori r2, r2, 3           ; P|W
  call map
  li r11, 4096
  add r10, r10, r11
  li r12, PAGES * 4096
  cmp r10, r12
  bltu .map4k
  .endif
  li r1, SCRATCH          ; the scratch page's PTE (not present)
  li r2, 0
  call map
  mov r13, r6
  li r5, ITER
  li r6, 0                ; page index
  li r7, STRIDE
  li r8, PAGES - 1
  li r9, 0x40000000
.loop:
  slli r1, r6, 12
  add r1, r1, r9
  ldw r2, 0(r1)
  add r6, r6, r7
  and r6, r6, r8
  .if CHURN
  andi r3, r5, CHURN - 1
  cmpi r3, 0
  bne .next
  li r3, 0x3f0003         ; map the scratch page (frame 0x3f0000, P|W)
  stw r3, 0(r13)
  li r4, SCRATCH
  stw r5, 0(r4)
  stw r0, 0(r13)          ; unmap
  invlpg r4
.next:
  .endif
  subi r5, r5, 1
  cmpi r5, 0
  bne .loop
  j finish
