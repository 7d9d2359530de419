; user/cpu.s — `cpu`: a compute loop (xorshift32 + sum), no memory traffic beyond the stack.
; Parameters: iterations (default 0 = forever), report (default 1000000: a progress line every
; that many iterations). Prints "cpu: done, N iterations, checksum X". As a quiet child
; (arg & QUIET) prints nothing and exits with the checksum.

p_cpu:
  ENTER
  push r1
  ULA r1, .k_it
  li r2, 0
  call param
  mov r7, r1                ; iterations (0 = forever)
  ULA r1, .k_rep
  li r2, 1000000
  call param
  mov r8, r1                ; report period
  cmpi r8, 0
  bgt .repok
  li r8, 1000000
.repok:
  li r9, 0                  ; i
  li r10, 0x2545F491        ; x
  li r11, 0                 ; checksum
  mov r12, r8               ; countdown to the next report
.loop:
  cmpi r7, 0
  beq .body
  cmp r9, r7
  bgeu .done
.body:
  slli r1, r10, 13
  xor r10, r10, r1
  srli r1, r10, 17
  xor r10, r10, r1
  slli r1, r10, 5
  xor r10, r10, r1
  add r11, r11, r10
  slli r1, r11, 1
  srli r2, r11, 31
  or r11, r1, r2            ; rotate the sum left by 1
  addi r9, r9, 1
  addi r12, r12, -1
  cmpi r12, 0
  bne .loop
  mov r12, r8
  ldw r1, 0(sp)
  andi r1, r1, QUIET
  cmpi r1, 0
  bne .loop
  ULA r1, .m_prog
  call puts
  mov r1, r9
  call putdec
  ULA r1, .m_ck
  call puts
  mov r1, r11
  call puthex
  li r1, '\n'
  call putc
  j .loop
.done:
  pop r1
  andi r1, r1, QUIET
  cmpi r1, 0
  beq .print
  mov r1, r11
  LEAVE
.print:
  ULA r1, .m_done
  call puts
  mov r1, r9
  call putdec
  ULA r1, .m_ck
  call puts
  mov r1, r11
  call puthex
  li r1, '\n'
  call putc
  li r1, 0
  LEAVE
.k_it:   .asciz "iterations"
.k_rep:  .asciz "report"
.m_prog: .asciz "cpu: "
.m_done: .asciz "cpu: done, "
.m_ck:   .asciz " iterations, checksum "
.align 4
