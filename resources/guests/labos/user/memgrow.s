; user/memgrow.s — `memgrow`: a program whose memory need grows. Every period_ms it asks the kernel
; for step_kib more heap (sbrk) and writes each new page (its own address in its first word), until
; it holds kib KiB. An allocation the kernel refuses (no free frame left: the balloon took them) is
; reported once — "memgrow: allocation failed at N KiB" — and retried every period, so memory given
; back (a balloon deflating) lets it go on ("memgrow: memory available again at N KiB"). Holding
; kib KiB, it reads every page back and prints "memgrow: holding N KiB, M corrupted"; then, with
; hold=1 (the default) it keeps the memory and sleeps, with hold=0 it exits (status 1 if corrupted).
; Parameters: kib (1024), step_kib (64, a multiple of 4), period_ms (100), hold (1).

MG_BASE    = 0
MG_KIB     = 4
MG_STEP    = 8
MG_PERIOD  = 12
MG_GROWN   = 16
MG_FAILING = 20
MG_HOLD    = 24
MG_FRAME   = 32

p_memgrow:
  ENTER
  addi sp, sp, -MG_FRAME
  ULA r1, .k_kib
  li r2, 1024
  call param
  stw r1, MG_KIB(sp)
  ULA r1, .k_step
  li r2, 64
  call param
  srli r1, r1, 2
  slli r1, r1, 2
  cmpi r1, 4
  bge .stepok
  li r1, 4
.stepok:
  stw r1, MG_STEP(sp)
  ULA r1, .k_period
  li r2, 100
  call param
  li r2, 1000
  mul r1, r1, r2
  stw r1, MG_PERIOD(sp)
  ULA r1, .k_hold
  li r2, 1
  call param
  stw r1, MG_HOLD(sp)
  stw r0, MG_GROWN(sp)
  stw r0, MG_FAILING(sp)
  li r1, 0
  call usbrk
  stw r1, MG_BASE(sp)
.grow:
  ldw r1, MG_GROWN(sp)
  ldw r2, MG_KIB(sp)
  cmp r1, r2
  bge .full
  ldw r1, MG_STEP(sp)
  slli r1, r1, 10
  call usbrk
  cmpi r1, -1
  bne .got
  ldw r1, MG_FAILING(sp)
  cmpi r1, 0
  bne .wait
  li r1, 1
  stw r1, MG_FAILING(sp)
  ULA r1, .m_fail
  call puts
  ldw r1, MG_GROWN(sp)
  call putdec
  ULA r1, .m_kib
  call puts
  j .wait
.got:
  mov r7, r1
  ldw r1, MG_FAILING(sp)
  cmpi r1, 0
  beq .touch0
  stw r0, MG_FAILING(sp)
  ULA r1, .m_again
  call puts
  ldw r1, MG_GROWN(sp)
  call putdec
  ULA r1, .m_kib
  call puts
.touch0:
  ldw r8, MG_STEP(sp)
  srli r8, r8, 2
  li r3, PAGE_SIZE
.touch:
  cmpi r8, 0
  beq .touched
  stw r7, 0(r7)
  add r7, r7, r3
  addi r8, r8, -1
  j .touch
.touched:
  ldw r1, MG_GROWN(sp)
  ldw r2, MG_STEP(sp)
  add r1, r1, r2
  stw r1, MG_GROWN(sp)
.wait:
  ldw r1, MG_PERIOD(sp)
  call usleep
  j .grow
.full:
  ldw r7, MG_BASE(sp)
  ldw r8, MG_GROWN(sp)
  srli r8, r8, 2
  li r9, 0
.check:
  cmpi r8, 0
  beq .report
  ldw r1, 0(r7)
  cmp r1, r7
  beq .same
  addi r9, r9, 1
.same:
  li r1, PAGE_SIZE
  add r7, r7, r1
  addi r8, r8, -1
  j .check
.report:
  ULA r1, .m_hold
  call puts
  ldw r1, MG_GROWN(sp)
  call putdec
  ULA r1, .m_hold2
  call puts
  mov r1, r9
  call putdec
  ULA r1, .m_hold3
  call puts
  ldw r1, MG_HOLD(sp)
  cmpi r1, 0
  beq .exit
.forever:
  li r1, 1000000
  call usleep
  j .forever
.exit:
  li r1, 0
  cmpi r9, 0
  beq .out
  li r1, 1
.out:
  addi sp, sp, MG_FRAME
  LEAVE
.k_kib:    .asciz "kib"
.k_step:   .asciz "step_kib"
.k_period: .asciz "period_ms"
.k_hold:   .asciz "hold"
.m_fail:   .asciz "memgrow: allocation failed at "
.m_again:  .asciz "memgrow: memory available again at "
.m_kib:    .asciz " KiB\n"
.m_hold:   .asciz "memgrow: holding "
.m_hold2:  .asciz " KiB, "
.m_hold3:  .asciz " corrupted\n"
.align 4
