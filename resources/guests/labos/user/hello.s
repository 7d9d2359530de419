; user/hello.s — `hello`: prints one line and exits with status 0 (the kernel then powers off).

p_hello:
  ENTER
  ULA r1, .msg
  call puts
  li r1, 0
  LEAVE
.msg: .asciz "hello from labos\n"
.align 4
