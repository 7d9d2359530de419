; user/pagetable.s — `pagetable`: maps, touches and unmaps pages in a loop (page-table updates,
; TLB invalidations, frame allocation). Parameters: pages (default 64), rounds (default 20).
; Each round maps `pages` fresh pages at UMAP_HINT.., writes one word in each and checks that
; another word reads 0 (fresh pages are zeroed), reads the words back, unmaps them.

p_pagetable:
  ENTER
  push r1
  ULA r1, .k_pages
  li r2, 64
  call param
  mov r7, r1                ; pages
  ULA r1, .k_rounds
  li r2, 20
  call param
  mov r8, r1                ; rounds
  li r9, 0                  ; round
  li r11, 0                 ; checksum
  li r12, 0                 ; errors
.round:
  cmp r9, r8
  bge .done
  li r10, 0
.map:
  cmp r10, r7
  bge .mapped
  slli r1, r10, 12
  li r2, UMAP_HINT
  add r1, r1, r2
  li r2, 1
  call umap
  cmpi r1, 0
  bne .err
  slli r1, r10, 12
  li r2, UMAP_HINT
  add r1, r1, r2
  ldw r2, 0x800(r1)
  cmpi r2, 0
  beq .zero
  addi r12, r12, 1
.zero:
  li r2, 1000
  mul r2, r9, r2
  add r2, r2, r10
  andi r3, r10, 0x1ff
  slli r3, r3, 2
  add r3, r3, r1
  stw r2, 0(r3)
  addi r10, r10, 1
  j .map
.mapped:
  li r10, 0
.unmap:
  cmp r10, r7
  bge .next
  slli r1, r10, 12
  li r2, UMAP_HINT
  add r1, r1, r2
  andi r3, r10, 0x1ff
  slli r3, r3, 2
  add r3, r3, r1
  ldw r2, 0(r3)
  mov r1, r11
  call mix
  mov r11, r1
  slli r1, r10, 12
  li r2, UMAP_HINT
  add r1, r1, r2
  call uunmap
  cmpi r1, 0
  beq .unmapped
  addi r12, r12, 1
.unmapped:
  addi r10, r10, 1
  j .unmap
.next:
  addi r9, r9, 1
  j .round
.err:
  addi r12, r12, 1
  j .mapped
.done:
  pop r1
  andi r1, r1, QUIET
  cmpi r1, 0
  beq .print
  mov r1, r11
  LEAVE
.print:
  ULA r1, .m1
  call puts
  mov r1, r8
  call putdec
  ULA r1, .m2
  call puts
  mov r1, r7
  call putdec
  ULA r1, .m3
  call puts
  mov r1, r12
  call putdec
  ULA r1, .m4
  call puts
  mov r1, r11
  call puthex
  li r1, '\n'
  call putc
  mov r1, r12
  LEAVE
.k_pages:  .asciz "pages"
.k_rounds: .asciz "rounds"
.m1: .asciz "pagetable: "
.m2: .asciz " rounds x "
.m3: .asciz " pages mapped, touched, unmapped; "
.m4: .asciz " errors, checksum "
.align 4
