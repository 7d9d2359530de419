; user/mixed.s — `mixed`: cpu, memwrite, pagetable, syscall and tlbmiss as concurrent quiet
; processes (their parameters come from the same command line), then waits for each in order
; and prints its checksum, so the output does not depend on how they were interleaved.
; The defaults are those of each program (cpu's iterations=0 runs forever).

p_mixed:
  ENTER
  ULA r7, .names
  ULA r8, mixed_pids
  li r9, 0
.spawn:
  cmpi r9, 5
  bge .spawned
  slli r1, r9, 4
  add r1, r1, r7
  li r2, QUIET
  call uspawn
  slli r2, r9, 2
  add r2, r2, r8
  stw r1, 0(r2)
  addi r9, r9, 1
  j .spawn
.spawned:
  ULA r1, .m0
  call puts
  li r9, 0
  li r12, 0                 ; failures
.wait:
  cmpi r9, 5
  bge .done
  slli r2, r9, 2
  add r2, r2, r8
  ldw r1, 0(r2)
  mov r10, r1
  call uwait
  mov r11, r1
  ULA r1, .m1
  call puts
  slli r1, r9, 4
  add r1, r1, r7
  call puts
  ULA r1, .m2
  call puts
  mov r1, r10
  call putdec
  ULA r1, .m3
  call puts
  mov r1, r11
  call puthex
  li r1, '\n'
  call putc
  cmpi r10, 0
  bgt .ok
  addi r12, r12, 1
.ok:
  addi r9, r9, 1
  j .wait
.done:
  ULA r1, .m4
  call puts
  mov r1, r12
  LEAVE
.names:
  .asciz "cpu"
  .space 12
  .asciz "memwrite"
  .space 7
  .asciz "pagetable"
  .space 6
  .asciz "syscall"
  .space 8
  .asciz "tlbmiss"
  .space 8
.m0: .asciz "mixed: started cpu, memwrite, pagetable, syscall, tlbmiss\n"
.m1: .asciz "mixed: "
.m2: .asciz " (pid "
.m3: .asciz ") exit status "
.m4: .asciz "mixed: done\n"
.align 4
