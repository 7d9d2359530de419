; user/ulib.s — the start of the user image and the user library linked into every process:
; system-call wrappers (arguments in r1..r5, like ordinary calls) and buffered console output.
;
; Interface: uexit(status), uwrite(buf, len), ugetpid(), uyield(), usleep(us), uuptime(),
; uticks(), usbrk(delta), umap(va, w), uunmap(va), uspawn(name, arg), uwait(pid), ukill(pid),
; ugetparam(key, default), udread(sector, buf, n), udwrite(sector, buf, n), udsize(),
; uprocinfo(pid), ufreemem(), ushutdown(code), ucpuid();
; puts(s), putc(c), putdec(n), puthex(n), flush() (output is buffered per line: a '\n' or a full
; buffer flushes it with one write, so lines of different processes never interleave).
; Rules: a program's entry gets its spawn argument in r1 and returns to u_exit with its status.

.align 4096
uimg_start:

u_exit:
  mov r7, r1
  call flush
  mov r2, r7
  SYS SYS_EXIT
  j u_exit

.macro SYSWRAP name, n
\name:
  mov r6, r5
  mov r5, r4
  mov r4, r3
  mov r3, r2
  mov r2, r1
  li r1, \n
  sys
  ret
.endm

  SYSWRAP uexit, SYS_EXIT
  SYSWRAP uwrite, SYS_WRITE
  SYSWRAP ugetpid, SYS_GETPID
  SYSWRAP uyield, SYS_YIELD
  SYSWRAP usleep, SYS_SLEEP
  SYSWRAP uuptime, SYS_UPTIME
  SYSWRAP uticks, SYS_TICKS
  SYSWRAP usbrk, SYS_SBRK
  SYSWRAP umap, SYS_MAP
  SYSWRAP uunmap, SYS_UNMAP
  SYSWRAP uspawn, SYS_SPAWN
  SYSWRAP uwait, SYS_WAIT
  SYSWRAP ukill, SYS_KILL
  SYSWRAP ugetparam, SYS_GETPARAM
  SYSWRAP udread, SYS_DREAD
  SYSWRAP udwrite, SYS_DWRITE
  SYSWRAP udsize, SYS_DSIZE
  SYSWRAP uprocinfo, SYS_PROCINFO
  SYSWRAP ufreemem, SYS_FREEMEM
  SYSWRAP ushutdown, SYS_SHUTDOWN
  SYSWRAP ucpuid, SYS_CPUID

OBUF_SIZE = 120

; flush(): write the buffered output
flush:
  ENTER
  ULA r7, olen
  ldw r2, 0(r7)
  cmpi r2, 0
  beq .out
  ULA r1, obuf
  call uwrite
  stw r0, 0(r7)
.out:
  LEAVE

putc:
  ENTER
  mov r8, r1
  ULA r7, olen
  ldw r2, 0(r7)
  ULA r3, obuf
  add r3, r3, r2
  stb r8, 0(r3)
  addi r2, r2, 1
  stw r2, 0(r7)
  cmpi r8, '\n'
  beq .fl
  cmpi r2, OBUF_SIZE
  blt .out
.fl:
  call flush
.out:
  LEAVE

puts:
  ENTER
  mov r7, r1
.loop:
  ldb r1, 0(r7)
  cmpi r1, 0
  beq .done
  call putc
  addi r7, r7, 1
  j .loop
.done:
  LEAVE

putdec:
  ENTER
  mov r7, r1
  cmpi r7, 0
  bge .pos
  li r1, '-'
  call putc
  sub r7, r0, r7
.pos:
  addi sp, sp, -16
  mov r8, sp
  li r9, 0
  li r10, 10
.div:
  remu r1, r7, r10
  divu r7, r7, r10
  add r2, r8, r9
  stb r1, 0(r2)
  addi r9, r9, 1
  cmpi r7, 0
  bne .div
.out:
  addi r9, r9, -1
  add r2, r8, r9
  ldb r1, 0(r2)
  addi r1, r1, '0'
  call putc
  cmpi r9, 0
  bne .out
  addi sp, sp, 16
  LEAVE

puthex:
  ENTER
  mov r7, r1
  li r1, '0'
  call putc
  li r1, 'x'
  call putc
  li r8, 28
.loop:
  shr r1, r7, r8
  andi r1, r1, 15
  cmpi r1, 10
  blt .dig
  addi r1, r1, 'a' - 10 - '0'
.dig:
  addi r1, r1, '0'
  call putc
  addi r8, r8, -4
  cmpi r8, 0
  bge .loop
  LEAVE

; param(key, default) -> value: ugetparam under a shorter name
param:
  j ugetparam

; mix(h, v) -> h': the checksum step used by every program (FNV-1a over a word, then the high
; half folded into the low half so every bit of the result depends on every input bit)
mix:
  xor r1, r1, r2
  li r3, 16777619
  mul r1, r1, r3
  srli r3, r1, 15
  xor r1, r1, r3
  ret

; quiet(arg) -> nonzero if the program runs as a quiet child (spawned by mixed)
QUIET = 0x100

