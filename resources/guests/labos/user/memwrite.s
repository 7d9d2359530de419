; user/memwrite.s — `memwrite`: writes a working set of wss_kib KiB at rate_pps pages per virtual
; second (live migration's dirty rate). One word per page per visit, passes over the whole set.
; Parameters: wss_kib (default 256), rate_pps (default 1000; 0 = as fast as possible), passes
; (default 4; 0 = forever). Pacing uses the uptime call: page n of the run is written no earlier
; than start + n * (1e6 / rate_pps) us, sleeping when ahead. Prints the pages written and a
; checksum (no timing, so the line is the same under every monitor).

MW_BASE    = 0
MW_NPAGES  = 4
MW_PASSES  = 8
MW_USPP    = 12
MW_START   = 16
MW_WRITTEN = 20
MW_ARG     = 24
MW_KIB     = 28
MW_FRAME   = 32

p_memwrite:
  ENTER
  addi sp, sp, -MW_FRAME
  stw r1, MW_ARG(sp)
  ULA r1, .k_wss
  li r2, 256
  call param
  cmpi r1, 4
  bge .wssok
  li r1, 4
.wssok:
  stw r1, MW_KIB(sp)
  srli r1, r1, 2
  stw r1, MW_NPAGES(sp)
  ULA r1, .k_rate
  li r2, 1000
  call param
  li r2, 0
  cmpi r1, 0
  ble .rate0
  li r2, 1000000
  divu r2, r2, r1
.rate0:
  stw r2, MW_USPP(sp)
  ULA r1, .k_passes
  li r2, 4
  call param
  stw r1, MW_PASSES(sp)
  ldw r1, MW_NPAGES(sp)
  slli r1, r1, 12
  call usbrk
  cmpi r1, -1
  beq .nomem
  stw r1, MW_BASE(sp)
  call uuptime
  stw r1, MW_START(sp)
  stw r0, MW_WRITTEN(sp)
  li r7, 0                  ; pass
  li r11, 0                 ; checksum
.pass:
  ldw r1, MW_PASSES(sp)
  cmpi r1, 0
  beq .go
  cmp r7, r1
  bgeu .done
.go:
  li r8, 0                  ; page
  addi r9, r7, 1
  li r1, 0x9E3779B9
  mul r9, r9, r1            ; this pass's value base
.page:
  ldw r1, MW_NPAGES(sp)
  cmp r8, r1
  bgeu .endpass
  add r10, r9, r8           ; value
  slli r1, r7, 6
  slli r2, r8, 2
  add r1, r1, r2
  andi r1, r1, 0xffc
  slli r2, r8, 12
  add r1, r1, r2
  ldw r2, MW_BASE(sp)
  add r1, r1, r2
  stw r10, 0(r1)
  mov r1, r11
  mov r2, r10
  call mix
  mov r11, r1
  addi r8, r8, 1
  ldw r12, MW_WRITTEN(sp)
  addi r12, r12, 1
  stw r12, MW_WRITTEN(sp)
  ; pacing
  ldw r1, MW_USPP(sp)
  cmpi r1, 0
  beq .page
  mul r12, r12, r1          ; due, us after start
  call uuptime
  ldw r2, MW_START(sp)
  sub r1, r1, r2            ; now, us after start
  sub r1, r12, r1           ; due - now
  cmpi r1, 0
  ble .page
  call usleep
  j .page
.endpass:
  addi r7, r7, 1
  j .pass
.done:
  ldw r1, MW_ARG(sp)
  andi r1, r1, QUIET
  cmpi r1, 0
  beq .print
  mov r1, r11
  j .out
.print:
  ULA r1, .m1
  call puts
  ldw r1, MW_WRITTEN(sp)
  call putdec
  ULA r1, .m2
  call puts
  ldw r1, MW_NPAGES(sp)
  call putdec
  ULA r1, .m3
  call puts
  ldw r1, MW_KIB(sp)
  call putdec
  ULA r1, .m4
  call puts
  mov r1, r7
  call putdec
  ULA r1, .m5
  call puts
  mov r1, r11
  call puthex
  li r1, '\n'
  call putc
  li r1, 0
.out:
  addi sp, sp, MW_FRAME
  LEAVE
.nomem:
  ULA r1, .m_nomem
  call puts
  li r1, 1
  j .out
.k_wss:    .asciz "wss_kib"
.k_rate:   .asciz "rate_pps"
.k_passes: .asciz "passes"
.m1: .asciz "memwrite: wrote "
.m2: .asciz " pages ("
.m3: .asciz " pages = "
.m4: .asciz " KiB working set, "
.m5: .asciz " passes), checksum "
.m_nomem: .asciz "memwrite: not enough memory for the working set\n"
.align 4
