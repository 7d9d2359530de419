; user/tlbmiss.s — `tlbmiss`: a large working set touched with a page stride, so nearly every
; access misses a 64-entry TLB (the workload where shadow paging beats nested paging).
; Parameters: wss_kib (default 1024), touches (default 100000), stride (pages, default 17; made
; odd so it visits every page of a power-of-two set). Each touch reads, updates and writes one
; word of the page.

p_tlbmiss:
  ENTER
  push r1
  ULA r1, .k_wss
  li r2, 1024
  call param
  srli r7, r1, 2            ; pages
  cmpi r7, 1
  bge .pok
  li r7, 1
.pok:
  ULA r1, .k_touches
  li r2, 100000
  call param
  mov r8, r1                ; touches
  ULA r1, .k_stride
  li r2, 17
  call param
  remu r9, r1, r7           ; stride mod pages
  ori r9, r9, 1
  cmp r9, r7
  bltu .sok
  li r9, 1
.sok:
  slli r1, r7, 12
  call usbrk
  cmpi r1, -1
  beq .nomem
  mov r10, r1               ; base
  li r11, 0                 ; checksum
  li r12, 0                 ; page index
  li r6, 0                  ; touch count (r6 survives: no calls in the loop)
.loop:
  cmp r6, r8
  bgeu .done
  slli r1, r12, 12
  slli r2, r6, 2
  andi r2, r2, 0xffc
  add r1, r1, r2
  add r1, r1, r10
  ldw r2, 0(r1)
  add r2, r2, r6
  stw r2, 0(r1)
  xor r11, r11, r2
  slli r3, r11, 5
  srli r4, r11, 27
  or r11, r3, r4
  add r12, r12, r9
  cmp r12, r7
  bltu .noWrap
  sub r12, r12, r7
.noWrap:
  addi r6, r6, 1
  j .loop
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
  mov r1, r9
  call putdec
  ULA r1, .m4
  call puts
  mov r1, r11
  call puthex
  li r1, '\n'
  call putc
  li r1, 0
  LEAVE
.nomem:
  pop r1
  ULA r1, .m_nomem
  call puts
  li r1, 1
  LEAVE
.k_wss:     .asciz "wss_kib"
.k_touches: .asciz "touches"
.k_stride:  .asciz "stride"
.m1: .asciz "tlbmiss: "
.m2: .asciz " touches over "
.m3: .asciz " pages, stride "
.m4: .asciz ", checksum "
.m_nomem: .asciz "tlbmiss: not enough memory for the working set\n"
.align 4
