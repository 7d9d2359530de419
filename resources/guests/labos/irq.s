; irq.s — device interrupts: the timer tick (time keeping, sleep wake-ups, preemption), host
; power requests, inter-processor interrupts, console/disk/RTC acknowledgements.
;
; Interface: timer_init() (this CPU's timer), power_init(), irq_dispatch(line) (called with
; proc_lock held, from user-mode or kernel-mode trap entry), wake(p) (make p runnable and kick
; its CPU out of the idle loop).
; Rules: interrupts are level-triggered, so each handler acknowledges its device before
; returning. Every CPU has its own timer; ticks (the kernel's clock) are counted by CPU 0's, the
; quantum is charged by each CPU's to the process it runs; CPU 0's tick also drives the balloon driver
; and a refreshing top (shell.s). Host requests (IRQ5, to CPU 0):
; POWER_REQUEST 1 = shut down, 2 = reboot; the scheduler acts on them.

power_init:
  li r1, 3                  ; we handle host power requests, by interrupt
  ARCH_OUT r1, POWER_CTRL
  ret

; wake(p): p becomes RUNNABLE; if it belongs to another CPU, interrupt that CPU's idle loop.
wake:
  li r2, S_RUNNABLE
  stw r2, P_STATE(r1)
  ldw r2, P_CPU(r1)
  ARCH_GETCR r3, CR_SCRATCH1
  ldw r3, CPU_ID(r3)
  cmp r2, r3
  beq .local
  ARCH_OUT r2, IPI_SEND
.local:
  ret

timer_init:
  LOAD r1, tick_us
  ARCH_OUT r1, TIMER_PERIOD
  li r1, 3                  ; enable | periodic
  ARCH_OUT r1, TIMER_CTRL
  ret

irq_dispatch:
  cmpi r1, 0
  beq timer_intr
  cmpi r1, 1
  beq console_intr
  cmpi r1, 2
  beq .disk
  cmpi r1, 3
  beq .rtc
  cmpi r1, IRQ_IPI
  beq .ipi
  cmpi r1, IRQ_POWER
  beq .power
  ret
.ipi:
  ARCH_OUT r0, IPI_ACK      ; a wake-up: the scheduler looks at its run queue anyway
  ret
.power:
  ARCH_IN r1, POWER_REQUEST
  ARCH_OUT r0, POWER_REQUEST
  cmpi r1, 1
  bne .notsd
  li r2, 1
  STORE r2, shutdown_req, r3
  ret
.notsd:
  cmpi r1, 2
  bne .none
  li r2, 1
  STORE r2, reboot_req, r3
.none:
  ret
.disk:
  ARCH_OUT r0, DISK_ACK
  ret
.rtc:
  ARCH_OUT r0, RTC_ACK
  ret

timer_intr:
  ENTER
  ARCH_OUT r0, TIMER_ACK
  call thiscpu
  mov r7, r1
  ldw r1, CPU_ID(r7)
  cmpi r1, 0
  bne .charge
  ; CPU 0 keeps time and wakes sleepers
  call nohz_exit             ; first the ticks a tickless idle slept through (nohz.s)
  LOAD r8, ticks
  addi r8, r8, 1
  STORE r8, ticks, r1
  call balloon_tick          ; the balloon driver polls its target (balloon.s)
  la r1, procs
  la r2, procs_end
.wake:
  cmp r1, r2
  bgeu .charge
  ldw r3, P_STATE(r1)
  cmpi r3, S_SLEEPING
  bne .next
  ldw r3, P_WAKE(r1)
  sub r3, r8, r3
  cmpi r3, 0
  blt .next
  push r1
  push r2
  call wake
  pop r2
  pop r1
.next:
  addi r1, r1, PROC_SIZE
  j .wake
.charge:
  ldw r1, CPU_PROC(r7)
  cmpi r1, 0
  beq .out
  ldw r2, P_TICKS(r1)
  addi r2, r2, 1
  stw r2, P_TICKS(r1)
  ldw r2, P_SLICE(r1)
  addi r2, r2, 1
  stw r2, P_SLICE(r1)
  cmpi r2, QUANTUM
  blt .out
  li r2, 1
  stw r2, CPU_RESCHED(r7)
.out:
  ldw r1, CPU_ID(r7)
  cmpi r1, 0
  bne .ret
  call shell_tick            ; a refreshing top's snapshot, after this tick is charged (shell.s)
.ret:
  LEAVE
