; user/syscallw.s — `syscall`: a system-call heavy loop (getpid), the nanobenchmark of trap
; round trips. Parameter: count (default 20000).

p_syscall:
  ENTER
  push r1
  ULA r1, .k_count
  li r2, 20000
  call param
  mov r7, r1
  li r8, 0
  li r11, 0
.loop:
  cmp r8, r7
  bge .done
  SYS SYS_GETPID
  add r2, r1, r8
  mov r1, r11
  call mix
  mov r11, r1
  addi r8, r8, 1
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
  mov r1, r7
  call putdec
  ULA r1, .m2
  call puts
  mov r1, r11
  call puthex
  li r1, '\n'
  call putc
  li r1, 0
  LEAVE
.k_count: .asciz "count"
.m1: .asciz "syscall: "
.m2: .asciz " system calls, checksum "
.align 4
