; sensitive.s — the kernel program `sensitive`: the Popek–Goldberg demonstration.
;
; It runs in KERNEL mode (where the guest kernel believes it is privileged) and exercises the
; three sensitive-but-unprivileged instructions of HV32 (docs/isa.md §7), printing what it sees:
;   (a) setf, like x86 POPF: "disable interrupts" by clearing IE with setf, then spin across
;       five timer periods and report whether a timer interrupt was taken anyway;
;   (b) smsw, like x86 SMSW: read the privilege mode without trapping;
;   (c) getf, like x86 PUSHF: read the PSW right after a real `cli` and report IE and the mode.
; On bare hardware (interp) each sees the truth: interrupts stay off, the mode is kernel. Under
; a trap-and-emulate monitor (te) the kernel really runs in user mode and these instructions do
; not trap, so setf's change of IE is silently dropped, and smsw/getf report user mode and
; interrupts on. Nothing here tests which monitor it runs on: the difference is the semantics.
; Interface: k_sensitive() -> exit code 0.

k_sensitive:
  ENTER
  la r1, .intro
  call kputs_locked
  ; ---- (a) setf (POPF) ----
  ARCH_STI                     ; interrupts on, properly (privileged)
  nop                          ; any pending tick is taken here
  ARCH_GETF r1
  li r2, ~PSW_IE
  and r1, r1, r2
  ARCH_SETF r1                 ; "interrupts off", the unprivileged way
  LOAD r8, ticks               ; ticks before
  ARCH_IN r9, RTC_UPTIME_LO
  LOAD r10, tick_us
  li r1, 5
  mul r10, r10, r1             ; five timer periods
.spin:
  ARCH_IN r1, RTC_UPTIME_LO
  sub r1, r1, r9
  cmp r1, r10
  bltu .spin
  LOAD r11, ticks              ; ticks after
  ARCH_CLI
  la r1, .a1
  call kputs_locked
  cmp r11, r8
  bne .a_no
  la r1, .yes
  call kputs_locked
  li r12, 0                    ; holes found
  j .b
.a_no:
  la r1, .a_nomsg
  call kputs_locked
  li r12, 1
  ; ---- (b) smsw (SMSW) ----
.b:
  ARCH_SMSW r7
  la r1, .b1
  call kputs_locked
  andi r1, r7, MSW_K
  cmpi r1, 0
  bne .b_k
  la r1, .user
  call kputs_locked
  addi r12, r12, 1
  j .b_pg
.b_k:
  la r1, .kernel
  call kputs_locked
.b_pg:
  andi r1, r7, MSW_PG
  cmpi r1, 0
  bne .b_on
  la r1, .pgoff
  call kputs_locked
  j .c
.b_on:
  la r1, .pgon
  call kputs_locked
  ; ---- (c) getf (PUSHF) right after a real cli ----
.c:
  ARCH_CLI
  ARCH_GETF r7
  la r1, .c1
  call kputs_locked
  andi r1, r7, PSW_K
  cmpi r1, 0
  bne .c_k
  la r1, .user
  call kputs_locked
  addi r12, r12, 1
  j .c_ie
.c_k:
  la r1, .kernel
  call kputs_locked
.c_ie:
  andi r1, r7, PSW_IE
  cmpi r1, 0
  beq .c_off
  la r1, .ieon
  call kputs_locked
  j .verdict
.c_off:
  la r1, .ieoff
  call kputs_locked
.verdict:
  cmpi r12, 0
  bne .hole
  la r1, .ok
  call kputs_locked
  li r1, 0
  LEAVE
.hole:
  la r1, .bad
  call kputs_locked
  li r1, 0
  LEAVE
.intro:  .asciz "sensitive: running in kernel mode; testing the sensitive but unprivileged instructions setf, smsw, getf\n"
.a1:     .asciz "sensitive: interrupts disabled by setf: "
.yes:    .asciz "yes (no timer interrupt during 5 timer periods)\n"
.a_nomsg: .asciz "no (timer interrupts arrived while IE was supposedly 0: setf's IE change was ignored)\n"
.b1:     .asciz "sensitive: smsw says: "
.c1:     .asciz "sensitive: getf after cli says: "
.kernel: .asciz "kernel mode"
.user:   .asciz "user mode"
.pgon:   .asciz ", paging on\n"
.pgoff:  .asciz ", paging off\n"
.ieon:   .asciz ", interrupts on\n"
.ieoff:  .asciz ", interrupts off\n"
.ok:     .asciz "sensitive: verdict: every sensitive instruction saw the true machine state (bare hardware or a correct monitor)\n"
.bad:    .asciz "sensitive: verdict: sensitive instructions did not trap and saw or changed the real CPU, not the virtual one: this monitor is not a correct virtual machine (Popek-Goldberg: sensitive is not a subset of privileged)\n"
.align 4
