; trap.s — the vector table, trap entry and the return to user mode.
;
; Interface: `vectors` (VBAR), `trap_entry` (every vector), `uret(p)` (resume process p in user
; mode; never returns).
; How it works: the hardware saves only EPC/EPSW/CAUSE and switches to kernel mode with IE = 0,
; without touching sp. A trap from user mode saves the user registers into the current process's
; structure (trap frame), switches to this CPU's kernel stack and calls usertrap, which never
; returns: it ends in sched_return (proc.s), which resumes a process with uret. A trap from kernel
; mode (an interrupt that woke the idle loop or arrived in a disk wait) is handled on the current
; stack and returns with iret; an exception in kernel mode is a kernel bug: panic.
; Rules: the kernel runs with interrupts disabled (not preemptible); scratch0 holds r1 during
; entry; scratch1 always points at this CPU's structure.

.align 128
vectors:
  j trap_entry   ;  0 divide
  j trap_entry   ;  1 illegal
  j trap_entry   ;  2 privileged
  j trap_entry   ;  3 page fault
  j trap_entry   ;  4 misaligned
  j trap_entry   ;  5 syscall
  j trap_entry   ;  6 hypercall
  j trap_entry   ;  7 breakpoint
  j trap_entry   ;  8 double fault
  j trap_entry   ;  9 bus error
  j trap_entry   ; 10
  j trap_entry   ; 11
  j trap_entry   ; 12
  j trap_entry   ; 13
  j trap_entry   ; 14
  j trap_entry   ; 15
  j trap_entry   ; 16 irq0 timer
  j trap_entry   ; 17 irq1 console
  j trap_entry   ; 18 irq2 disk
  j trap_entry   ; 19 irq3 rtc
  j trap_entry   ; 20
  j trap_entry   ; 21
  j trap_entry   ; 22
  j trap_entry   ; 23
  j trap_entry   ; 24
  j trap_entry   ; 25
  j trap_entry   ; 26
  j trap_entry   ; 27
  j trap_entry   ; 28
  j trap_entry   ; 29
  j trap_entry   ; 30
  j trap_entry   ; 31

trap_entry:
  ARCH_SETCR CR_SCRATCH0, r1
  ARCH_GETCR r1, CR_EPSW
  andi r1, r1, PSW_K
  cmpi r1, 0
  bne ktrap_entry
  ; ---- from user mode: save the user registers in the current process ----
  ARCH_GETCR r1, CR_SCRATCH1
  ldw r1, CPU_PROC(r1)
  stw r2, P_REGS + 8(r1)
  stw r3, P_REGS + 12(r1)
  stw r4, P_REGS + 16(r1)
  stw r5, P_REGS + 20(r1)
  stw r6, P_REGS + 24(r1)
  stw r7, P_REGS + 28(r1)
  stw r8, P_REGS + 32(r1)
  stw r9, P_REGS + 36(r1)
  stw r10, P_REGS + 40(r1)
  stw r11, P_REGS + 44(r1)
  stw r12, P_REGS + 48(r1)
  stw r13, P_REGS + 52(r1)
  stw r14, P_REGS + 56(r1)
  stw r15, P_REGS + 60(r1)
  ARCH_GETCR r2, CR_SCRATCH0
  stw r2, P_R1(r1)
  ARCH_GETCR r2, CR_EPC
  stw r2, P_PC(r1)
  ARCH_GETCR r2, CR_EPSW
  stw r2, P_PSW(r1)
  ARCH_GETCR r2, CR_SCRATCH1
  ldw sp, CPU_KSTACK(r2)
  LOAD r1, halting
  cmpi r1, 0
  bne park_self
  call proc_lock_acquire
  ARCH_GETCR r1, CR_SCRATCH1
  ldw r1, CPU_PROC(r1)
  call usertrap
  j sched_return

; ---- from kernel mode: an interrupt in the idle loop or a wait; anything else is a bug ----
ktrap_entry:
  addi sp, sp, -56
  stw r2, 0(sp)
  stw r3, 4(sp)
  stw r4, 8(sp)
  stw r5, 12(sp)
  stw r6, 16(sp)
  stw r7, 20(sp)
  stw r8, 24(sp)
  stw r9, 28(sp)
  stw r10, 32(sp)
  stw r11, 36(sp)
  stw r12, 40(sp)
  stw lr, 44(sp)
  ARCH_GETCR r2, CR_SCRATCH0
  stw r2, 48(sp)
  ARCH_GETCR r1, CR_CAUSE
  andi r1, r1, 0xff
  cmpi r1, C_IRQ0
  blt .fault
  addi r7, r1, -C_IRQ0
  LOAD r1, halting
  cmpi r1, 0
  bne park_self
  call proc_lock_acquire
  mov r1, r7
  call irq_dispatch
  call proc_unlock
  ldw r2, 0(sp)
  ldw r3, 4(sp)
  ldw r4, 8(sp)
  ldw r5, 12(sp)
  ldw r6, 16(sp)
  ldw r7, 20(sp)
  ldw r8, 24(sp)
  ldw r9, 28(sp)
  ldw r10, 32(sp)
  ldw r11, 36(sp)
  ldw r12, 40(sp)
  ldw lr, 44(sp)
  ldw r1, 48(sp)
  addi sp, sp, 56
  ARCH_IRET
.fault:
  j kfault

; usertrap(p): dispatch a trap taken in user mode by the current process p.
usertrap:
  ENTER
  mov r7, r1
  ARCH_GETCR r8, CR_CAUSE
  andi r8, r8, 0xff
  cmpi r8, C_SYSCALL
  bne .notsys
  mov r1, r7
  call syscall
  LEAVE
.notsys:
  cmpi r8, C_IRQ0
  blt .fault
  addi r1, r8, -C_IRQ0
  call irq_dispatch
  LEAVE
.fault:
  mov r1, r7
  mov r2, r8
  call proc_fault
  LEAVE

; uret(p): resume process p (state RUNNING, cpu->proc == p) in user mode. Never returns.
uret:
  ARCH_PT_SYNC              ; user code must see every page-table update (paravirtualized build)
  ARCH_GETCR r3, CR_SCRATCH1
  ldw r2, P_PGDIR(r1)
  ldw r4, CPU_PTBR(r3)
  cmp r2, r4
  beq .same
  stw r2, CPU_PTBR(r3)
  ARCH_SET_PTBR r2
.same:
  ldw r2, P_PC(r1)
  ARCH_SETCR CR_EPC, r2
  ldw r2, P_PSW(r1)
  ARCH_SETCR CR_EPSW, r2
  ldw r2, P_REGS + 8(r1)
  ldw r3, P_REGS + 12(r1)
  ldw r4, P_REGS + 16(r1)
  ldw r5, P_REGS + 20(r1)
  ldw r6, P_REGS + 24(r1)
  ldw r7, P_REGS + 28(r1)
  ldw r8, P_REGS + 32(r1)
  ldw r9, P_REGS + 36(r1)
  ldw r10, P_REGS + 40(r1)
  ldw r11, P_REGS + 44(r1)
  ldw r12, P_REGS + 48(r1)
  ldw r13, P_REGS + 52(r1)
  ldw r14, P_REGS + 56(r1)
  ldw r15, P_REGS + 60(r1)
  ldw r1, P_R1(r1)
  ARCH_IRET

; kfault: an exception in kernel mode. Prints cause, epc, faddr and powers off.
kfault:
  mov r7, r1
  call cons_lock
  la r1, .msg
  call kputs
  mov r1, r7
  call cause_name
  call kputs
  la r1, .pc
  call kputs
  ARCH_GETCR r1, CR_EPC
  call kputhex
  la r1, .fa
  call kputs
  ARCH_GETCR r1, CR_FADDR
  call kputhex
  li r1, '\n'
  call kputc
  call cons_unlock
  li r1, PANIC_CODE
  j power_off
.msg: .asciz "labos: panic: kernel trap: "
.pc:  .asciz " pc "
.fa:  .asciz " faddr "
.align 4

; cause_name(cause) -> string
cause_name:
  cmpi r1, 10
  bltu .known
  cmpi r1, C_IRQ0
  bgeu .irq
  la r1, .unk
  ret
.irq:
  la r1, .int
  ret
.known:
  slli r1, r1, 2
  la r2, .tab
  add r1, r1, r2
  ldw r1, 0(r1)
  ret
.tab: .word .c0, .c1, .c2, .c3, .c4, .c5, .c6, .c7, .c8, .c9
.c0: .asciz "divide by zero"
.c1: .asciz "illegal instruction"
.c2: .asciz "privileged instruction"
.c3: .asciz "page fault"
.c4: .asciz "misaligned access"
.c5: .asciz "syscall"
.c6: .asciz "hypercall"
.c7: .asciz "breakpoint"
.c8: .asciz "double fault"
.c9: .asciz "bus error"
.unk: .asciz "reserved exception"
.int: .asciz "interrupt"
.align 4
