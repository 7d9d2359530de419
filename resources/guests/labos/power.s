; power.s — the end of the machine: power off, parking the other CPUs, panic, reboot.
;
; Interface: power_off(code) (never returns), park_self (never returns), panic(msg), reboot().
; Power off claims `halting` (xchg: if another CPU already did, this one parks instead), asks
; every other started CPU to park (IPI) and waits until each has. A parking CPU (at its next trap
; entry, or in a spin loop, without taking any lock) stops its timer, clears its control
; registers and general registers, sets its CPU_PARKED flag as its last memory write and halts
; with interrupts off. The powering-off CPU then scrubs the state that depends on timing before
; writing the POWER_OFF port: the frame pool (page tables, stacks, user pages), the kernel's BSS
; except the results area (console hash, exit statuses), the disk controller's address
; registers, its own control and general registers. The
; final-state digest thus covers the kernel image and the results of the work only, and is the
; same under every correct monitor although timer interrupts fell at different instructions.
; Rules: runs with interrupts off; after the scrub no memory is used (not even the stack).

power_off:
  ENTER
  mov r7, r1
  call cons_lock
  la r1, .msg
  call kputs
  mov r1, r7
  call kputdec
  li r1, '\n'
  call kputc
  call cons_unlock
  ARCH_CLI
  la r1, halting
  li r2, 1
  ARCH_XCHG r2, r1
  cmpi r2, 0
  bne park_self             ; another CPU is already powering off
  ; park the other started CPUs
  ARCH_GETCR r8, CR_SCRATCH1
  la r9, cpus
  LOAD r10, ncpu
.ipi:
  cmpi r10, 0
  beq .wait
  addi r10, r10, -1
  cmp r9, r8
  beq .ipinext
  ldw r1, CPU_ONLINE(r9)
  cmpi r1, 0
  beq .ipinext
  ldw r1, CPU_ID(r9)
  ARCH_OUT r1, IPI_SEND
.ipinext:
  addi r9, r9, CPU_SIZE
  j .ipi
.wait:
  la r9, cpus
  LOAD r10, ncpu
.waitcpu:
  cmpi r10, 0
  beq .scrub
  cmp r9, r8
  beq .waitnext
  ldw r1, CPU_ONLINE(r9)
  cmpi r1, 0
  beq .waitnext
.spin:
  ldw r1, CPU_PARKED(r9)
  cmpi r1, 0
  beq .spin
.waitnext:
  addi r9, r9, CPU_SIZE
  addi r10, r10, -1
  j .waitcpu
.scrub:
  ARCH_OUT r0, TIMER_CTRL
  ARCH_OUT r0, DISK_SECTOR   ; the disk's registers hold the last DMA address (timing-dependent)
  ARCH_OUT r0, DISK_ADDR
  ARCH_OUT r0, DISK_COUNT
  ARCH_PAGING r0
  ARCH_SET_PTBR r0
  ARCH_SETCR CR_EPC, r0
  ARCH_SETCR CR_EPSW, r0
  ARCH_SETCR CR_CAUSE, r0
  ARCH_SETCR CR_FADDR, r0
  ARCH_SETCR CR_SCRATCH0, r0
  ARCH_SETCR CR_SCRATCH1, r0
  ARCH_SETCR CR_ASID, r0
  ARCH_SETCR CR_VBAR, r0
  ; the frame pool up to its high-water mark
  LOAD r1, kmem_start
  LOAD r2, kmem_next
.pool:
  cmp r1, r2
  bgeu .bss
  stw r0, 0(r1)
  stw r0, 4(r1)
  stw r0, 8(r1)
  stw r0, 12(r1)
  addi r1, r1, 16
  j .pool
.bss:
  la r1, results_end
  la r2, bss_end
.bssl:
  cmp r1, r2
  bgeu .regs
  stw r0, 0(r1)
  addi r1, r1, 4
  j .bssl
.regs:
  mov r1, r7
  li r2, 0
  li r3, 0
  li r4, 0
  li r5, 0
  li r6, 0
  li r7, 0
  li r8, 0
  li r9, 0
  li r10, 0
  li r11, 0
  li r12, 0
  li r13, 0
  la r14, boot_stack_top
  li r15, 0
  cmp r0, r0
  ARCH_OUT r1, POWER_OFF
.dead:
  ARCH_HALT_FOREVER
  j .dead
.msg: .asciz "labos: power off, status "
.align 4

park_self:
  ARCH_CLI
  ARCH_OUT r0, TIMER_CTRL
  ARCH_OUT r0, IPI_ACK
  ARCH_PAGING r0
  ARCH_SET_PTBR r0
  ARCH_GETCR r1, CR_SCRATCH1
  ARCH_SETCR CR_EPC, r0
  ARCH_SETCR CR_EPSW, r0
  ARCH_SETCR CR_CAUSE, r0
  ARCH_SETCR CR_FADDR, r0
  ARCH_SETCR CR_SCRATCH0, r0
  ARCH_SETCR CR_SCRATCH1, r0
  ARCH_SETCR CR_ASID, r0
  ARCH_SETCR CR_VBAR, r0
  li r3, 0
  li r4, 0
  li r5, 0
  li r6, 0
  li r7, 0
  li r8, 0
  li r9, 0
  li r10, 0
  li r11, 0
  li r12, 0
  li r13, 0
  li r14, 0
  li r15, 0
  li r2, 1
  cmp r0, r0
  stw r2, CPU_PARKED(r1)
  li r1, 0
  li r2, 0
.halt:
  ARCH_HALT_FOREVER
  j .halt

; panic(msg): print and power off with PANIC_CODE
panic:
  mov r7, r1
  call cons_lock
  la r1, .msg
  call kputs
  mov r1, r7
  call kputs
  li r1, '\n'
  call kputc
  call cons_unlock
  li r1, PANIC_CODE
  j power_off
.msg: .asciz "labos: panic: "
.align 4

; reboot: ask the machine for a reset (memory reloaded, every CPU restarted). Without a reset
; port, restart the kernel on this CPU (uniprocessor only).
reboot:
  ARCH_CLI
  ARCH_OUT r0, POWER_RESET
  ARCH_OUT r0, TIMER_CTRL
  ARCH_PAGING r0
  ARCH_SET_PTBR r0
  j _start
