; progtab.s — the programs labos can run, selected by the first word of the command line.
;
; Interface: progtab (entries: name, entry, kind; ends with a 0 name), prog_lookup(name) -> entry
; or 0. kind 0 = user program (entry is a label in the user image, run as the first process,
; spawnable), 1 = kernel program (runs in kernel mode at boot, returns the exit code),
; 2 = helper (user program not listed: spawned by others only).

progtab:
  .word .hello, p_hello, 0
  .word .cpu, p_cpu, 0
  .word .memwrite, p_memwrite, 0
  .word .memgrow, p_memgrow, 0
  .word .pagetable, p_pagetable, 0
  .word .tlbmiss, p_tlbmiss, 0
  .word .syscall, p_syscall, 0
  .word .io, p_io, 0
  .word .idle, p_idle, 0
  .word .mixed, p_mixed, 0
  .word .sensitive, k_sensitive, 1
  .word .selftest, p_selftest, 0
  .word 0, 0, 0
.hello:     .asciz "hello"
.cpu:       .asciz "cpu"
.memwrite:  .asciz "memwrite"
.memgrow:   .asciz "memgrow"
.pagetable: .asciz "pagetable"
.tlbmiss:   .asciz "tlbmiss"
.syscall:   .asciz "syscall"
.io:        .asciz "io"
.idle:      .asciz "idle"
.mixed:     .asciz "mixed"
.sensitive: .asciz "sensitive"
.selftest:  .asciz "selftest"
.align 4

prog_lookup:
  ENTER
  mov r7, r1
  la r8, progtab
.loop:
  ldw r1, 0(r8)
  cmpi r1, 0
  beq .miss
  mov r2, r7
  call strcmp
  cmpi r1, 0
  beq .hit
  addi r8, r8, 12
  j .loop
.hit:
  mov r1, r8
  LEAVE
.miss:
  li r1, 0
  LEAVE
