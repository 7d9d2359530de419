; user/idle.s — `idle`: does nothing; the CPU halts until interrupts (the kernel's idle loop).
; Parameter: ms (default 0 = forever): sleep that long, then exit.

p_idle:
  ENTER
  ULA r1, .k_ms
  li r2, 0
  call param
  mov r7, r1
  cmpi r7, 0
  bne .finite
.forever:
  li r1, 1000000
  call usleep
  j .forever
.finite:
  li r1, 1000
  mul r1, r7, r1
  call usleep
  ULA r1, .m1
  call puts
  mov r1, r7
  call putdec
  ULA r1, .m2
  call puts
  li r1, 0
  LEAVE
.k_ms: .asciz "ms"
.m1: .asciz "idle: slept "
.m2: .asciz " ms\n"
.align 4
